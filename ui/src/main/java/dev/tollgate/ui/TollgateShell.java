package dev.tollgate.ui;

import dev.tollgate.approval.HeldCall;
import dev.tollgate.audit.AuditQuery;
import dev.tollgate.audit.AuditRecord;
import dev.tollgate.engine.Engine;
import dev.tollgate.ui.agents.AgentsView;
import dev.tollgate.ui.agents.AgentsViewModel;
import dev.tollgate.ui.alerts.AlertEntry;
import dev.tollgate.ui.alerts.AlertsView;
import dev.tollgate.ui.alerts.AlertsViewModel;
import dev.tollgate.ui.export.Exporter;
import dev.tollgate.ui.fx.Background;
import dev.tollgate.ui.fx.FxEventDispatcher;
import dev.tollgate.ui.limits.ConfiguredLimits;
import dev.tollgate.ui.limits.LimitsView;
import dev.tollgate.ui.limits.LimitsViewModel;
import dev.tollgate.ui.live.LiveView;
import dev.tollgate.ui.live.LiveViewModel;
import dev.tollgate.ui.policy.PolicyView;
import dev.tollgate.ui.policy.PolicyViewModel;
import dev.tollgate.ui.replay.ReplayView;
import dev.tollgate.ui.replay.ReplayViewModel;
import dev.tollgate.ui.replay.SessionSummary;
import dev.tollgate.ui.security.SecurityView;
import dev.tollgate.ui.shadow.ShadowPane;
import dev.tollgate.ui.shadow.ShadowViewModel;
import java.io.File;
import java.nio.file.Path;
import java.time.Instant;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import java.util.prefs.Preferences;
import javafx.animation.KeyFrame;
import javafx.animation.Timeline;
import javafx.geometry.Insets;
import javafx.scene.Node;
import javafx.scene.Parent;
import javafx.scene.Scene;
import javafx.scene.control.CheckMenuItem;
import javafx.scene.control.Label;
import javafx.scene.control.Menu;
import javafx.scene.control.MenuBar;
import javafx.scene.control.MenuItem;
import javafx.scene.control.SeparatorMenuItem;
import javafx.scene.control.ToggleButton;
import javafx.scene.control.ToggleGroup;
import javafx.scene.input.KeyCode;
import javafx.scene.input.KeyCodeCombination;
import javafx.scene.input.KeyCombination;
import javafx.scene.layout.BorderPane;
import javafx.scene.layout.HBox;
import javafx.scene.layout.Priority;
import javafx.scene.layout.Region;
import javafx.scene.layout.StackPane;
import javafx.scene.layout.VBox;
import javafx.stage.FileChooser;
import javafx.stage.Stage;
import javafx.util.Duration;
import org.controlsfx.control.Notifications;

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
    private final Map<Section, ToggleButton> navButtons = new EnumMap<>(Section.class);
    private final ToggleGroup nav = new ToggleGroup();
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
    private Function<String, Engine> storeOpener = DesktopApp::openStore;
    private Theme theme;
    private Scene scene;

    private TollgateShell(Engine engine, Preferences prefs) {
        this.engine = engine;
        this.prefs = prefs;
        this.dispatcher = new FxEventDispatcher(engine.events());
        this.theme = Theme.valueOf(prefs.get("theme", Theme.LIGHT.name()));

        liveModel = new LiveViewModel(engine.audit(), background, prefs.node("live"));
        liveView = new LiveView(liveModel);
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
        views.put(Section.REPLAY, new ReplayView(replayModel, this::exportSession));
        replayModel.loadSessions();
        limitsModel = new LimitsViewModel(engine.audit(), background);
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
        root.setTop(menuBar());
        root.setLeft(navigation());
        root.setCenter(content);
        root.setBottom(statusBar());
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
        this.storeOpener = opener;
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
        ToggleButton button = navButtons.get(section);
        if (!button.isSelected()) {
            button.setSelected(true);
        }
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

    private void promptApproval(HeldCall call) {
        if (root.getScene() == null
                || root.getScene().getWindow() == null
                || !root.getScene().getWindow().isShowing()) {
            return;
        }
        Notifications.create()
                .owner(root.getScene().getWindow())
                .title("Approval needed")
                .text(call.agentId() + " wants to call " + call.tool() + " (" + call.rule() + ")")
                .hideAfter(Duration.seconds(10))
                .onAction(e -> navigate(Section.SECURITY))
                .showInformation();
    }

    private void popup(AlertEntry alert) {
        if (root.getScene() == null
                || root.getScene().getWindow() == null
                || !root.getScene().getWindow().isShowing()) {
            return;
        }
        Notifications.create()
                .owner(root.getScene().getWindow())
                .title(
                        alert.count() > 1
                                ? "Blocked calls: " + alert.tool()
                                : alert.kind() == AlertEntry.Kind.BLOCKED ? "Call blocked" : "Loop breaker tripped")
                .text(alert.message())
                .hideAfter(Duration.seconds(6))
                .onAction(e -> alertsModel.show(alert))
                .showWarning();
    }

    private void focusSearch() {
        navigate(Section.LIVE);
        liveView.focusFilter();
    }

    private MenuBar menuBar() {
        MenuItem open = new MenuItem("Open audit store…");
        open.setAccelerator(new KeyCodeCombination(KeyCode.O, KeyCombination.SHORTCUT_DOWN));
        open.setOnAction(e -> openStore());
        MenuItem close = new MenuItem("Close window");
        close.setAccelerator(new KeyCodeCombination(KeyCode.W, KeyCombination.SHORTCUT_DOWN));
        close.setOnAction(e -> {
            if (root.getScene() != null && root.getScene().getWindow() instanceof Stage stage) {
                stage.close();
            }
        });
        MenuItem export = new MenuItem("Export selected calls…");
        export.setAccelerator(new KeyCodeCombination(KeyCode.E, KeyCombination.SHORTCUT_DOWN));
        export.setOnAction(e -> exportSelected());
        Menu file = new Menu("File", null, open, export, new SeparatorMenuItem(), close);

        Menu view = new Menu("View");
        for (Section s : Section.values()) {
            MenuItem item = new MenuItem(s.title());
            item.setOnAction(e -> navigate(s));
            view.getItems().add(item);
        }
        MenuItem find = new MenuItem("Find…");
        find.setOnAction(e -> focusSearch());
        CheckMenuItem dark = new CheckMenuItem("Dark theme");
        dark.setSelected(theme == Theme.DARK);
        dark.selectedProperty().addListener((o, was, now) -> setTheme(now ? Theme.DARK : Theme.LIGHT));
        view.getItems().addAll(new SeparatorMenuItem(), find, dark);
        MenuBar bar = new MenuBar(file, view);
        bar.setUseSystemMenuBar(true);
        return bar;
    }

    private void openStore() {
        FileChooser chooser = new FileChooser();
        chooser.setTitle("Open audit store");
        chooser.getExtensionFilters().add(new FileChooser.ExtensionFilter("H2 audit store", "*.mv.db"));
        var file = chooser.showOpenDialog(root.getScene().getWindow());
        if (file == null) {
            return;
        }
        String path = file.getAbsolutePath().replaceFirst("\\.mv\\.db$", "");
        DesktopApp.openReadOnlyWindow(storeOpener, "jdbc:h2:file:" + path, prefs);
    }

    private void exportSelected() {
        List<AuditRecord> selected =
                List.copyOf(liveView.table().getSelectionModel().getSelectedItems());
        if (selected.isEmpty()) {
            return;
        }
        chooseExportFile("calls").ifPresent(file -> writeExport(() -> selected, file));
    }

    private void exportSession(SessionSummary session) {
        chooseExportFile(session.id())
                .ifPresent(file -> writeExport(
                        () -> {
                            AuditQuery.Builder q = AuditQuery.builder().limit(ReplayViewModel.MAX_CALLS_PER_SESSION);
                            if (session.kind() == SessionSummary.Kind.CONVERSATION) {
                                q.conversation(session.id());
                            } else {
                                q.session(session.id());
                            }
                            return engine.audit().query(q.build());
                        },
                        file));
    }

    private Optional<Path> chooseExportFile(String name) {
        FileChooser chooser = new FileChooser();
        chooser.setTitle("Export calls");
        chooser.setInitialFileName(name.replaceAll("[^A-Za-z0-9._-]", "_") + ".jsonl");
        chooser.getExtensionFilters()
                .addAll(
                        new FileChooser.ExtensionFilter("JSON Lines", "*.jsonl"),
                        new FileChooser.ExtensionFilter("CSV", "*.csv"));
        File file = chooser.showSaveDialog(root.getScene().getWindow());
        return Optional.ofNullable(file).map(File::toPath);
    }

    private void writeExport(java.util.concurrent.Callable<List<AuditRecord>> records, Path file) {
        background.run(
                () -> {
                    List<AuditRecord> list = records.call();
                    if (file.toString().toLowerCase(java.util.Locale.ROOT).endsWith(".csv")) {
                        Exporter.writeCsv(list, file);
                    } else {
                        Exporter.writeJsonl(list, file);
                    }
                    return list.size();
                },
                n -> Notifications.create()
                        .owner(root.getScene().getWindow())
                        .title("Export")
                        .text(n + " calls written to " + file.getFileName())
                        .hideAfter(Duration.seconds(4))
                        .showInformation(),
                e -> new javafx.scene.control.Alert(
                                javafx.scene.control.Alert.AlertType.ERROR, "Export failed: " + e.getMessage())
                        .show());
    }

    private Node navigation() {
        VBox box = new VBox(2);
        box.getStyleClass().add("nav");
        box.setPadding(new Insets(8, 4, 8, 4));
        for (Section s : Section.values()) {
            ToggleButton b = new ToggleButton(s.title());
            b.setId(s.navId());
            b.setToggleGroup(nav);
            b.setMaxWidth(Double.MAX_VALUE);
            b.getStyleClass().add("nav-button");
            b.setOnAction(e -> navigate(s));
            navButtons.put(s, b);
            if (s == Section.ALERTS) {
                b.textProperty()
                        .bind(javafx.beans.binding.Bindings.createStringBinding(
                                () -> alertsModel.unacknowledgedProperty().get() == 0
                                        ? s.title()
                                        : s.title() + " ("
                                                + alertsModel
                                                        .unacknowledgedProperty()
                                                        .get() + ")",
                                alertsModel.unacknowledgedProperty()));
            }
            box.getChildren().add(b);
        }
        nav.selectedToggleProperty().addListener((o, was, now) -> {
            if (now == null && was != null) {
                was.setSelected(true);
            }
        });
        return box;
    }

    private Node statusBar() {
        Label proxy = new Label();
        proxy.setId("status-proxy");
        proxy.textProperty().bind(status.proxyProperty());
        Label rates = new Label();
        rates.setId("status-rates");
        rates.textProperty().bind(status.ratesProperty());
        Label store = new Label();
        store.setId("status-store");
        store.textProperty().bind(status.storeProperty());
        Region spacer = new Region();
        HBox.setHgrow(spacer, Priority.ALWAYS);
        HBox bar = new HBox(16, proxy, rates, spacer, store);
        bar.getStyleClass().add("status-bar");
        bar.setPadding(new Insets(3, 8, 3, 8));
        return bar;
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
