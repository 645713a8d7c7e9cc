package dev.tollgate.ui;

import dev.tollgate.approval.HeldCall;
import dev.tollgate.config.ConfigLoader;
import dev.tollgate.engine.Engine;
import dev.tollgate.ui.agents.AgentsView;
import dev.tollgate.ui.agents.AgentsViewModel;
import dev.tollgate.ui.alerts.AlertEntry;
import dev.tollgate.ui.alerts.AlertsView;
import dev.tollgate.ui.alerts.AlertsViewModel;
import dev.tollgate.ui.fx.Background;
import dev.tollgate.ui.fx.FxEventDispatcher;
import dev.tollgate.ui.fx.NoticeArea;
import dev.tollgate.ui.limits.ConfiguredLimits;
import dev.tollgate.ui.limits.LimitsView;
import dev.tollgate.ui.limits.LimitsViewModel;
import dev.tollgate.ui.live.CurlCommand;
import dev.tollgate.ui.live.LiveView;
import dev.tollgate.ui.live.LiveViewModel;
import dev.tollgate.ui.policy.PolicyView;
import dev.tollgate.ui.policy.PolicyViewModel;
import dev.tollgate.ui.replay.ReplayView;
import dev.tollgate.ui.replay.ReplayViewModel;
import dev.tollgate.ui.security.SecurityView;
import dev.tollgate.ui.shadow.ShadowPane;
import dev.tollgate.ui.shadow.ShadowViewModel;
import java.time.Instant;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import java.util.prefs.Preferences;
import javafx.animation.KeyFrame;
import javafx.animation.Timeline;
import javafx.beans.property.SimpleStringProperty;
import javafx.geometry.Insets;
import javafx.scene.Node;
import javafx.scene.Parent;
import javafx.scene.Scene;
import javafx.scene.control.Label;
import javafx.scene.input.KeyCode;
import javafx.scene.input.KeyCodeCombination;
import javafx.scene.input.KeyCombination;
import javafx.scene.layout.BorderPane;
import javafx.scene.layout.StackPane;
import javafx.stage.Stage;
import javafx.util.Duration;

/**
 * The main window's content over one {@link Engine}: menu, left navigation, the seven views and the
 * status bar. Owns the event dispatcher and background executor of that window; {@link #close()} releases them.
 */
public final class TollgateShell implements AutoCloseable {
    private final Engine engine;
    private final Preferences prefs;
    private final Background background = new Background();
    private final FxEventDispatcher dispatcher;
    private final BorderPane root = new BorderPane();
    private final StackPane content = new StackPane();
    private final Map<Section, Node> views = new EnumMap<>(Section.class);
    private final NoticeArea notices = new NoticeArea();
    private final ShellChrome chrome;
    private final ShellFiles files;
    private final LiveViewModel liveModel;
    private final LiveView liveView;
    private final StatusViewModel status;
    private final AlertsViewModel alertsModel = new AlertsViewModel();
    private final Optional<PolicyViewModel> policyModel;
    private final ReplayViewModel replayModel;
    private final LimitsViewModel limitsModel;
    private final AgentsViewModel agentsModel;
    private final Timeline clock;
    private final Timeline storeSize;
    private Theme theme;
    private Scene scene;

    private TollgateShell(Engine engine, Preferences prefs) {
        this.engine = engine;
        this.prefs = prefs;
        this.dispatcher = new FxEventDispatcher(engine.events());
        this.theme = Theme.valueOf(prefs.get("theme", Theme.LIGHT.name()));
        this.files = new ShellFiles(root, engine, background, prefs, notices);

        liveModel = new LiveViewModel(engine.audit(), background, prefs.node("live"));
        liveView = new LiveView(liveModel);
        this.chrome = new ShellChrome(new ShellChrome.Actions(
                this::navigate,
                files::openStore,
                () -> files.exportCalls(
                        List.copyOf(liveView.table().getSelectionModel().getSelectedItems())),
                this::focusSearch,
                this::closeWindow,
                this::setTheme));
        status = new StatusViewModel(engine, background);
        dispatcher.addListener(liveModel::onEvents);
        dispatcher.addListener(status::onEvents);

        dispatcher.addListener(alertsModel::onEvents);
        alertsModel.setNotifier(this::popup);
        alertsModel.setNavigation(
                (filter, select) -> {
                    navigate(Section.LIVE);
                    liveModel.showFiltered(filter, select);
                },
                this::openConversation);

        views.put(Section.LIVE, liveView);
        views.put(Section.ALERTS, new AlertsView(alertsModel));
        replayModel = new ReplayViewModel(engine.audit(), engine.replayer(), engine.transcripts(), background);
        dispatcher.addListener(batch -> {
            // Only while it is shown: Replay lists sessions from the newest 20,000 records, fresh on each visit.
            if (current() == Section.REPLAY) {
                replayModel.onEvents(batch);
            }
        });
        liveView.setOnOpenConversation(this::openConversation);
        ReplayView replayView = new ReplayView(replayModel, files::exportSession);
        views.put(Section.REPLAY, replayView);
        liveView.setCurlCommand(r -> CurlCommand.of(r, engine.endpoint(), toolNameSeparator()));
        liveView.setOnResend(
                record -> {
                    openConversation(record.conversationId().orElse(record.sessionId()));
                    replayView.confirmAndResend(record);
                },
                replayModel::canResend);
        replayModel.loadSessions();
        limitsModel = new LimitsViewModel(engine.audit(), background, engine::limitLevels);
        dispatcher.addListener(limitsModel::onEvents);
        views.put(Section.LIMITS, new LimitsView(limitsModel));
        limitsModel.seedFromStore(Instant.now());
        reloadLimits();
        dispatcher.addListener(batch -> {
            if (batch.stream()
                    .anyMatch(e -> e instanceof dev.tollgate.events.EngineEvent.PolicyReloaded r && r.applied())) {
                reloadLimits();
            }
        });
        agentsModel = new AgentsViewModel(engine, background);
        dispatcher.addListener(agentsModel::onEvents);
        views.put(Section.AGENTS, new AgentsView(agentsModel));
        policyModel = engine.policy().map(control -> new PolicyViewModel(control, background));
        policyModel.ifPresent(m -> {
            m.setShowCall(this::showCall);
            dispatcher.addListener(m::onEvents);
        });
        views.put(Section.SECURITY, SecurityView.forEngine(engine, dispatcher, background, this::promptApproval));
        views.put(
                Section.POLICY,
                policyModel
                        .<Node>map(this::policyView)
                        .orElseGet(() -> notice("Opened read-only: there is no running policy to edit.")));
        for (Section s : Section.values()) {
            views.computeIfAbsent(s, missing -> new Label(missing.title()));
        }

        root.getStyleClass().add("shell");
        root.setTop(chrome.menuBar(theme));
        root.setLeft(chrome.navigation(alertsModel));
        root.setCenter(content);
        root.setBottom(chrome.bottom(status, notices));
        navigate(Section.LIVE);

        clock = new Timeline(new KeyFrame(Duration.seconds(1), e -> {
            Instant now = Instant.now();
            status.tick(now);
            limitsModel.tick(now);
        }));
        clock.setCycleCount(Timeline.INDEFINITE);
        clock.play();
        storeSize = new Timeline(new KeyFrame(Duration.seconds(5), e -> status.refreshStoreSize()));
        storeSize.setCycleCount(Timeline.INDEFINITE);
        storeSize.play();
        status.refreshStoreSize();
        liveModel.reload();
    }

    /** Builds the shell over an engine; call on the FX thread. {@code prefs} keeps theme and saved filters. */
    public static TollgateShell create(Engine engine, Preferences prefs) {
        return new TollgateShell(engine, prefs);
    }

    /** How File → Open audit store… turns a JDBC URL into a read-only engine. */
    public TollgateShell withStoreOpener(Function<String, Engine> opener) {
        files.setStoreOpener(opener);
        return this;
    }

    public Parent root() {
        return root;
    }

    public Engine engine() {
        return engine;
    }

    /** A scene with the theme and the keyboard shortcuts installed. */
    public Scene createScene(double width, double height) {
        scene = new Scene(root, width, height);
        theme.applyTo(scene);
        for (Section s : Section.values()) {
            scene.getAccelerators()
                    .put(new KeyCodeCombination(s.key(), KeyCombination.SHORTCUT_DOWN), () -> navigate(s));
        }
        scene.getAccelerators().put(new KeyCodeCombination(KeyCode.F, KeyCombination.SHORTCUT_DOWN), this::focusSearch);
        return scene;
    }

    public void navigate(Section section) {
        content.getChildren().setAll(views.get(section));
        if (section == Section.AGENTS) {
            agentsModel.refresh();
        }
        if (section == Section.REPLAY) {
            replayModel.loadSessions();
        }
        chrome.select(section);
    }

    public Section current() {
        for (Map.Entry<Section, Node> e : views.entrySet()) {
            if (content.getChildren().contains(e.getValue())) {
                return e.getKey();
            }
        }
        return Section.LIVE;
    }

    public LiveViewModel liveModel() {
        return liveModel;
    }

    public AlertsViewModel alertsModel() {
        return alertsModel;
    }

    public Optional<PolicyViewModel> policyModel() {
        return policyModel;
    }

    /** Shows a conversation in Replay, its transcript beside its calls. */
    public void openConversation(String conversationId) {
        navigate(Section.REPLAY);
        replayModel.openConversation(conversationId);
    }

    /** Shows one recorded call in the live timeline. */
    public void showCall(long recordId) {
        navigate(Section.LIVE);
        liveModel.jumpTo(recordId);
    }

    public Node view(Section section) {
        return views.get(section);
    }

    public ReplayViewModel replayModel() {
        return replayModel;
    }

    public FxEventDispatcher dispatcher() {
        return dispatcher;
    }

    public LimitsViewModel limitsModel() {
        return limitsModel;
    }

    public AgentsViewModel agentsModel() {
        return agentsModel;
    }

    public LiveView liveView() {
        return liveView;
    }

    public void setTheme(Theme theme) {
        this.theme = theme;
        prefs.put("theme", theme.name());
        if (scene != null) {
            theme.applyTo(scene);
        }
    }

    public Theme theme() {
        return theme;
    }

    /** The separator agents see between server and tool, from the running configuration ({@code __} without one). */
    private String toolNameSeparator() {
        return engine.policy()
                .flatMap(control -> {
                    try {
                        return Optional.of(new ConfigLoader()
                                .parse("policy", control.currentText())
                                .toolNameSeparator());
                    } catch (RuntimeException e) {
                        return Optional.empty();
                    }
                })
                .orElse("__");
    }

    private void reloadLimits() {
        engine.policy()
                .ifPresent(control -> background.run(
                        () -> ConfiguredLimits.from(control.currentText()),
                        limitsModel::setLimits,
                        e -> limitsModel.setLimits(ConfiguredLimits.none())));
    }

    private static Node notice(String text) {
        Label label = new Label(text);
        label.getStyleClass().add("muted");
        StackPane pane = new StackPane(label);
        pane.setPadding(new Insets(24));
        return pane;
    }

    /** The policy editor, with the shadow candidate's live disagreements as a tab when one runs. */
    private PolicyView policyView(PolicyViewModel model) {
        PolicyView view = new PolicyView(model);
        engine.shadow().ifPresent(control -> {
            ShadowViewModel shadow = new ShadowViewModel(control, background);
            dispatcher.addListener(shadow::onEvents);
            view.addTab("Shadow", new ShadowPane(shadow));
        });
        return view;
    }

    private boolean showing() {
        return root.getScene() != null
                && root.getScene().getWindow() != null
                && root.getScene().getWindow().isShowing();
    }

    private void promptApproval(HeldCall call) {
        if (showing()) {
            notices.showFor(
                    NoticeArea.Kind.INFO,
                    "Approval needed",
                    new SimpleStringProperty(
                            call.agentId() + " wants to call " + call.tool() + " (" + call.rule() + ")"),
                    "Review",
                    () -> navigate(Section.SECURITY),
                    Duration.seconds(30));
        }
    }

    /**
     * Once per incident: the notice's text follows the incident as it grows, and it goes away when closed, opened,
     * acknowledged in Alerts, or when the storm has ended (no new block for {@link AlertsViewModel#QUIET}).
     */
    private void popup(AlertEntry alert) {
        if (!showing()) {
            return;
        }
        String title = alert.kind() == AlertEntry.Kind.LOOP_BREAKER ? "Loop breaker tripped" : "Incident";
        NoticeArea.Notice notice = notices.show(
                NoticeArea.Kind.WARNING, title, alert.messageProperty(), "Show", () -> alertsModel.show(alert));
        notice.dismissWhenQuiet(alert.messageProperty(), Duration.seconds(AlertsViewModel.QUIET.toSeconds()));
        alert.acknowledgedProperty().addListener((o, was, now) -> {
            if (now) {
                notice.dismiss();
            }
        });
    }

    private void focusSearch() {
        navigate(Section.LIVE);
        liveView.focusFilter();
    }

    private void closeWindow() {
        if (root.getScene() != null && root.getScene().getWindow() instanceof Stage stage) {
            stage.close();
        }
    }

    @Override
    public void close() {
        clock.stop();
        storeSize.stop();
        replayModel.pause();
        dispatcher.close();
        background.close();
    }
}
