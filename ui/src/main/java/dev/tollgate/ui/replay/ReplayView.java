package dev.tollgate.ui.replay;

import dev.tollgate.audit.AuditRecord;
import dev.tollgate.engine.CallReplayer;
import dev.tollgate.json.Json;
import dev.tollgate.ui.live.CallDetails;
import java.io.File;
import java.util.function.Consumer;
import java.util.function.Function;
import javafx.beans.binding.Bindings;
import javafx.css.PseudoClass;
import javafx.geometry.Insets;
import javafx.geometry.Orientation;
import javafx.geometry.Pos;
import javafx.scene.Node;
import javafx.scene.control.Alert;
import javafx.scene.control.Button;
import javafx.scene.control.ButtonType;
import javafx.scene.control.Label;
import javafx.scene.control.ListCell;
import javafx.scene.control.ListView;
import javafx.scene.control.SplitPane;
import javafx.scene.control.Tab;
import javafx.scene.control.TabPane;
import javafx.scene.control.TextArea;
import javafx.scene.control.TextField;
import javafx.scene.control.Tooltip;
import javafx.scene.layout.BorderPane;
import javafx.scene.layout.HBox;
import javafx.scene.layout.Priority;
import javafx.scene.layout.Region;
import javafx.scene.layout.VBox;
import javafx.stage.FileChooser;

/**
 * Replay: sessions on the left; the interleaved transcript and calls, with step, play and jump, on the right; a
 * selected call can be re-sent and its new result compared with the recorded one.
 */
public final class ReplayView extends BorderPane {
    private static final PseudoClass BLOCKED = PseudoClass.getPseudoClass("blocked");
    private static final PseudoClass TURN = PseudoClass.getPseudoClass("turn");

    private final ReplayViewModel model;
    private final ListView<TimelineEntry> timeline;

    public ReplayView(ReplayViewModel model, Consumer<SessionSummary> exportSession) {
        this.model = model;
        getStyleClass().add("replay-view");

        TextField search = new TextField();
        search.setId("session-search");
        search.setPromptText("Search by agent, user, id or time");
        search.textProperty().bindBidirectional(model.searchProperty());
        ListView<SessionSummary> sessions = new ListView<>(model.sessions());
        sessions.setId("session-list");
        sessions.setPlaceholder(new Label("No sessions recorded yet."));
        sessions.setCellFactory(v -> new ListCell<>() {
            @Override
            protected void updateItem(SessionSummary s, boolean empty) {
                super.updateItem(s, empty);
                pseudoClassStateChanged(BLOCKED, !empty && s != null && s.blocked() > 0);
                setText(
                        empty || s == null
                                ? null
                                : (s.kind() == SessionSummary.Kind.CONVERSATION ? "Conversation " : "MCP session ")
                                        + s.id()
                                        + "\n" + String.join(", ", s.agents())
                                        + (s.users().isEmpty() ? "" : " · " + String.join(", ", s.users()))
                                        + "\n"
                                        + (s.first().equals(java.time.Instant.MAX)
                                                ? ""
                                                : CallDetails.DATE_TIME.format(s.first()))
                                        + " · " + s.calls() + " calls"
                                        + (s.blocked() > 0 ? ", " + s.blocked() + " blocked" : "")
                                        + (s.turns() > 0 ? ", " + s.turns() + " turns" : ""));
            }
        });
        sessions.getSelectionModel().selectedItemProperty().addListener((o, was, now) -> {
            if (now != null) {
                model.sessionProperty().set(now);
            }
        });
        Button refresh = new Button("Refresh");
        refresh.setOnAction(e -> model.loadSessions());
        Button importButton = new Button("Import transcript…");
        importButton.setId("import-transcript");
        importButton.setOnAction(e -> chooseTranscript());
        HBox listButtons = new HBox(6, refresh, importButton);
        VBox.setVgrow(sessions, Priority.ALWAYS);
        VBox left = new VBox(6, search, sessions, listButtons);
        left.setPadding(new Insets(6));
        left.setMinWidth(220);

        timeline = new ListView<>(model.entries());
        timeline.setId("replay-timeline");
        timeline.setPlaceholder(new Label("Choose a conversation or session."));
        timeline.setCellFactory(v -> new ListCell<>() {
            @Override
            protected void updateItem(TimelineEntry entry, boolean empty) {
                super.updateItem(entry, empty);
                pseudoClassStateChanged(
                        BLOCKED,
                        !empty
                                && entry instanceof TimelineEntry.Call c
                                && c.record().blocked());
                pseudoClassStateChanged(TURN, !empty && entry instanceof TimelineEntry.Turn);
                setText(empty || entry == null ? null : line(entry));
            }
        });
        timeline.getSelectionModel().selectedIndexProperty().addListener((o, was, now) -> {
            if (now.intValue() >= 0
                    && now.intValue() != model.positionProperty().get()) {
                model.positionProperty().set(now.intValue());
            }
        });
        model.positionProperty().addListener((o, was, now) -> {
            int p = now.intValue();
            if (p >= 0 && timeline.getSelectionModel().getSelectedIndex() != p) {
                timeline.getSelectionModel().select(p);
                timeline.scrollTo(Math.max(0, p - 2));
            }
        });

        TextArea detail = new TextArea();
        detail.setId("replay-detail");
        detail.setEditable(false);
        detail.setWrapText(true);
        detail.getStyleClass().add("mono");
        detail.textProperty()
                .bind(Bindings.createStringBinding(
                        () -> model.current().map(ReplayView::describe).orElse(""),
                        model.positionProperty(),
                        model.entries()));

        Button back = button("◀ Step", "replay-back", model::stepBack);
        Button play1 = button("▶ 1×", "replay-play", () -> model.play(1));
        Button play10 = button("▶▶ 10×", "replay-play10", () -> model.play(10));
        Button pause = button("❚❚", "replay-pause", model::pause);
        pause.disableProperty().bind(model.playingProperty().not());
        Button forward = button("Step ▶", "replay-forward", model::stepForward);
        Button blocked = button("Next blocked", "replay-next-blocked", model::nextBlocked);
        Button export = button("Export session…", "replay-export", () -> {
            if (model.sessionProperty().get() != null) {
                exportSession.accept(model.sessionProperty().get());
            }
        });
        Button resend = button("Re-send…", "replay-resend", this::confirmAndResend);
        resend.setTooltip(new Tooltip(
                model.canResend()
                        ? "Send the selected call to its server again and compare the result with the recorded one"
                        : "Re-sending needs a running proxy; this store was opened read-only"));
        resend.disableProperty()
                .bind(Bindings.createBooleanBinding(
                        () -> !model.canResend()
                                || model.resendingProperty().get()
                                || model.currentCall().isEmpty(),
                        model.positionProperty(),
                        model.entries(),
                        model.resendingProperty()));
        Label message = new Label();
        message.getStyleClass().add("muted");
        message.textProperty().bind(model.messageProperty());
        HBox controls = new HBox(6, back, play1, play10, pause, forward, blocked, export, resend, message);
        controls.setAlignment(Pos.CENTER_LEFT);
        controls.setPadding(new Insets(6));

        Tab stepTab = new Tab("Step", detail);
        Tab resendTab = new Tab("Re-send", comparisonPane());
        resendTab.setId("replay-resend-tab");
        TabPane below = new TabPane(stepTab, resendTab);
        below.setTabClosingPolicy(TabPane.TabClosingPolicy.UNAVAILABLE);
        model.comparisonProperty()
                .addListener((o, was, now) -> below.getSelectionModel().select(resendTab));

        SplitPane right = new SplitPane(timeline, below);
        right.setOrientation(Orientation.VERTICAL);
        right.setDividerPositions(0.6);
        BorderPane rightPane = new BorderPane(right);
        rightPane.setTop(controls);

        SplitPane split = new SplitPane(left, rightPane);
        split.setDividerPositions(0.28);
        setCenter(split);
    }

    private Node comparisonPane() {
        TextArea recorded = resultArea("resend-recorded");
        TextArea now = resultArea("resend-new");
        TextArea diff = resultArea("resend-diff");
        recorded.textProperty()
                .bind(Bindings.createStringBinding(
                        () -> comparisonText(ResendComparison::recordedResult), model.comparisonProperty()));
        now.textProperty()
                .bind(Bindings.createStringBinding(
                        () -> comparisonText(ResendComparison::newResult), model.comparisonProperty()));
        diff.textProperty()
                .bind(Bindings.createStringBinding(
                        () -> comparisonText(ResendComparison::diffText), model.comparisonProperty()));
        Label title = new Label();
        title.setId("resend-summary");
        title.textProperty()
                .bind(Bindings.createStringBinding(
                        () -> comparisonText(ResendComparison::summary), model.comparisonProperty()));
        SplitPane sideBySide = new SplitPane(titled("Recorded result", recorded), titled("New result", now));
        SplitPane pane = new SplitPane(sideBySide, titled("Diff (- recorded, + new)", diff));
        pane.setOrientation(Orientation.VERTICAL);
        pane.setDividerPositions(0.55);
        VBox.setVgrow(pane, Priority.ALWAYS);
        VBox box = new VBox(4, title, pane);
        box.setPadding(new Insets(4));
        return box;
    }

    private String comparisonText(Function<ResendComparison, String> part) {
        ResendComparison c = model.comparisonProperty().get();
        return c == null ? "" : part.apply(c);
    }

    private static TextArea resultArea(String id) {
        TextArea area = new TextArea();
        area.setId(id);
        area.setEditable(false);
        area.getStyleClass().add("mono");
        return area;
    }

    private static VBox titled(String title, TextArea area) {
        VBox.setVgrow(area, Priority.ALWAYS);
        return new VBox(2, new Label(title), area);
    }

    private void confirmAndResend() {
        model.currentCall().ifPresent(this::confirmAndResend);
    }

    /**
     * Re-sends a recorded call, showing both results in the Re-send tab. Tools not declared read-only may change
     * data on their server: the user confirms before they run again.
     */
    public void confirmAndResend(AuditRecord record) {
        if (!model.canResend()) {
            return;
        }
        if (model.needsConfirmation(record)) {
            Alert confirm = new Alert(
                    Alert.AlertType.CONFIRMATION,
                    record.qualifiedTool() + " is not marked read-only: re-sending it may change data on server "
                            + record.server() + ". It runs again with the recorded arguments, under the policy in force"
                            + " and " + record.agentId() + "'s roles, counts against " + record.agentId() + "'s rate"
                            + " limits and loop breaker (a limit spent or a tripped breaker blocks it), and is audited as"
                            + " agent " + CallReplayer.AGENT_ID + ".",
                    ButtonType.CANCEL,
                    ButtonType.OK);
            confirm.setTitle("Re-send " + record.qualifiedTool());
            confirm.setHeaderText("Re-send " + record.qualifiedTool() + "?");
            confirm.initOwner(getScene().getWindow());
            if (confirm.showAndWait().filter(ButtonType.OK::equals).isEmpty()) {
                return;
            }
        }
        model.resend(record);
    }

    public ListView<TimelineEntry> timeline() {
        return timeline;
    }

    /** A toolbar button that keeps its label: the message beside the buttons shrinks instead. */
    private static Button button(String text, String id, Runnable action) {
        Button b = new Button(text);
        b.setId(id);
        b.setMinWidth(Region.USE_PREF_SIZE);
        b.setOnAction(e -> action.run());
        return b;
    }

    static String line(TimelineEntry entry) {
        String time = CallDetails.TIME.format(entry.at());
        if (entry instanceof TimelineEntry.Turn t) {
            String text = t.turn().text().replace('\n', ' ');
            return time + "  " + t.turn().role() + ": " + (text.length() > 160 ? text.substring(0, 160) + "…" : text);
        }
        AuditRecord r = ((TimelineEntry.Call) entry).record();
        return time + "  ⚙ " + r.qualifiedTool() + " " + Json.write(r.arguments()) + "  → " + r.decision() + ", "
                + r.status();
    }

    static String describe(TimelineEntry entry) {
        if (entry instanceof TimelineEntry.Turn t) {
            return t.turn().role() + " · "
                    + CallDetails.DATE_TIME.format(t.turn().timestamp()) + "\n\n"
                    + t.turn().text();
        }
        return CallDetails.describe(((TimelineEntry.Call) entry).record());
    }

    private void chooseTranscript() {
        FileChooser chooser = new FileChooser();
        chooser.setTitle("Import transcript");
        chooser.getExtensionFilters()
                .add(new FileChooser.ExtensionFilter("JSON Lines", "*.jsonl", "*.ndjson", "*.json"));
        File file = chooser.showOpenDialog(getScene().getWindow());
        if (file != null) {
            model.importTranscript(file.toPath());
        }
    }
}
