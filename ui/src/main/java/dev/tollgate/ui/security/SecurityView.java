package dev.tollgate.ui.security;

import dev.tollgate.approval.HeldCall;
import dev.tollgate.engine.Engine;
import dev.tollgate.pinning.ToolPins;
import dev.tollgate.ui.fx.Background;
import dev.tollgate.ui.fx.FxEventDispatcher;
import java.util.Optional;
import java.util.function.Consumer;
import javafx.css.PseudoClass;
import javafx.geometry.Insets;
import javafx.geometry.Orientation;
import javafx.scene.Node;
import javafx.scene.control.Button;
import javafx.scene.control.Label;
import javafx.scene.control.ListCell;
import javafx.scene.control.ListView;
import javafx.scene.control.SplitPane;
import javafx.scene.control.TextArea;
import javafx.scene.control.TextField;
import javafx.scene.layout.BorderPane;
import javafx.scene.layout.HBox;
import javafx.scene.layout.Priority;
import javafx.scene.layout.VBox;

/** Calls waiting for approval (the prompt) above tools whose definition changed since pinned (diff and Approve). */
public final class SecurityView extends SplitPane {
    private static final PseudoClass ADDED = PseudoClass.getPseudoClass("added");
    private static final PseudoClass REMOVED = PseudoClass.getPseudoClass("removed");

    /**
     * The view over a running engine's desk and pins, following the window's events; {@code prompt} hears each
     * newly held call (answers given here are recorded as the local user, "(desktop)").
     */
    public static SecurityView forEngine(
            Engine engine, FxEventDispatcher dispatcher, Background background, Consumer<HeldCall> prompt) {
        Optional<ApprovalsViewModel> approvals = engine.approvals()
                .map(desk -> new ApprovalsViewModel(desk, System.getProperty("user.name", "operator") + " (desktop)"));
        approvals.ifPresent(model -> {
            dispatcher.addListener(model::onEvents);
            model.setPrompt(prompt);
        });
        Optional<PinsViewModel> pins = engine.pins().map(p -> new PinsViewModel(p, background));
        pins.ifPresent(model -> {
            dispatcher.addListener(model::onEvents);
            model.refresh();
        });
        return new SecurityView(approvals, pins);
    }

    public SecurityView(Optional<ApprovalsViewModel> approvals, Optional<PinsViewModel> pins) {
        setOrientation(Orientation.VERTICAL);
        getItems()
                .add(approvals
                        .<Node>map(SecurityView::approvalsPane)
                        .orElseGet(() -> new Label("Opened read-only: no calls are held here.")));
        getItems()
                .add(pins.<Node>map(SecurityView::pinsPane)
                        .orElseGet(() -> new Label("Opened read-only: there are no pins to review.")));
    }

    private static Node approvalsPane(ApprovalsViewModel model) {
        ListView<HeldCall> list = new ListView<>(model.held());
        list.setId("held-calls");
        list.setPlaceholder(new Label("No calls are waiting for approval."));
        list.setPrefHeight(110);
        list.setCellFactory(v -> new ListCell<>() {
            @Override
            protected void updateItem(HeldCall item, boolean empty) {
                super.updateItem(item, empty);
                setText(
                        empty || item == null
                                ? null
                                : item.id() + "   " + item.agentId() + "   " + item.tool() + "   held since "
                                        + item.heldAt());
            }
        });
        list.getSelectionModel().selectedItemProperty().addListener((o, was, now) -> {
            if (now != null) {
                model.selectedProperty().set(now);
            }
        });
        model.selectedProperty()
                .addListener((o, was, now) -> list.getSelectionModel().select(now));
        TextArea details = new TextArea();
        details.setId("held-details");
        details.setEditable(false);
        details.setWrapText(true);
        details.setPrefRowCount(9);
        details.textProperty()
                .bind(model.selectedProperty().map(ApprovalsViewModel::describe).orElse(""));
        TextField note = new TextField();
        note.setId("approval-note");
        note.setPromptText("Note for the audit record (why)");
        note.textProperty().bindBidirectional(model.noteProperty());
        HBox.setHgrow(note, Priority.ALWAYS);
        Button approve = new Button("Approve");
        approve.setId("approval-approve");
        approve.disableProperty().bind(model.selectedProperty().isNull());
        approve.setOnAction(e -> model.approveSelected());
        Button deny = new Button("Deny");
        deny.setId("approval-deny");
        deny.disableProperty().bind(model.selectedProperty().isNull());
        deny.setOnAction(e -> model.denySelected());
        Label message = new Label();
        message.setId("approval-message");
        message.textProperty().bind(model.messageProperty());
        HBox actions = new HBox(8, note, approve, deny);
        VBox box = new VBox(6, title("Waiting for approval"), list, details, actions, message);
        VBox.setVgrow(details, Priority.ALWAYS);
        box.setPadding(new Insets(6));
        return box;
    }

    private static Node pinsPane(PinsViewModel model) {
        ListView<ToolPins.Change> tools = new ListView<>(model.changes());
        tools.setId("changed-tools");
        tools.setPlaceholder(new Label("Every tool's definition matches its pin."));
        tools.setPrefWidth(240);
        tools.setCellFactory(v -> new ListCell<>() {
            @Override
            protected void updateItem(ToolPins.Change item, boolean empty) {
                super.updateItem(item, empty);
                setText(empty || item == null ? null : item.tool().qualified());
            }
        });
        tools.getSelectionModel().selectedItemProperty().addListener((o, was, now) -> {
            if (now != null) {
                model.selectedProperty().set(now);
            }
        });
        model.selectedProperty()
                .addListener((o, was, now) -> tools.getSelectionModel().select(now));
        ListView<String> diff = new ListView<>(model.diff());
        diff.setId("definition-diff");
        diff.getStyleClass().add("definition-diff");
        diff.setCellFactory(v -> new ListCell<>() {
            @Override
            protected void updateItem(String line, boolean empty) {
                super.updateItem(line, empty);
                setText(empty || line == null ? null : line);
                pseudoClassStateChanged(ADDED, !empty && line != null && line.startsWith("+"));
                pseudoClassStateChanged(REMOVED, !empty && line != null && line.startsWith("-"));
            }
        });
        Button approve = new Button("Approve new definition");
        approve.setId("pin-approve");
        approve.disableProperty().bind(model.selectedProperty().isNull());
        approve.setOnAction(e -> model.approveSelected());
        Label message = new Label();
        message.setId("pin-message");
        message.textProperty().bind(model.messageProperty());
        BorderPane pane = new BorderPane();
        pane.setTop(new VBox(
                4,
                title("Tool definitions changed since pinned"),
                new Label(
                        "Withheld from agents until approved (pinning mode block). Lines: - pinned, + offered now.")));
        SplitPane split = new SplitPane(tools, diff);
        split.setDividerPositions(0.25);
        pane.setCenter(split);
        HBox actions = new HBox(8, approve, message);
        actions.setPadding(new Insets(6, 0, 0, 0));
        pane.setBottom(actions);
        pane.setPadding(new Insets(6));
        return pane;
    }

    private static Label title(String text) {
        Label title = new Label(text);
        title.getStyleClass().add("section-title");
        return title;
    }
}
