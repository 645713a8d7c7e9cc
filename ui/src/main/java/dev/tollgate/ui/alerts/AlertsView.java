package dev.tollgate.ui.alerts;

import dev.tollgate.ui.live.CallDetails;
import javafx.css.PseudoClass;
import javafx.geometry.Insets;
import javafx.scene.control.Button;
import javafx.scene.control.Label;
import javafx.scene.control.ListCell;
import javafx.scene.control.ListView;
import javafx.scene.layout.BorderPane;
import javafx.scene.layout.HBox;

/** The alert list: newest first, acknowledge one or all, and a click (or "Show call") that jumps to the call. */
public final class AlertsView extends BorderPane {
    private static final PseudoClass ACKNOWLEDGED = PseudoClass.getPseudoClass("acknowledged");

    public AlertsView(AlertsViewModel model) {
        ListView<AlertEntry> list = new ListView<>(model.alerts());
        list.setId("alert-list");
        list.setPlaceholder(new Label("No alerts. Blocked calls and loop-breaker trips appear here."));
        list.setCellFactory(v -> new ListCell<>() {
            @Override
            protected void updateItem(AlertEntry item, boolean empty) {
                super.updateItem(item, empty);
                pseudoClassStateChanged(ACKNOWLEDGED, !empty && item != null && item.acknowledgedProperty().get());
                setText(empty || item == null ? null
                        : CallDetails.TIME.format(item.lastAt()) + "   " + item.message()
                                + (item.kind() == AlertEntry.Kind.LOOP_BREAKER ? "   [loop breaker]" : ""));
            }
        });
        list.setOnMouseClicked(e -> {
            AlertEntry selected = list.getSelectionModel().getSelectedItem();
            if (selected != null && e.getClickCount() == 2) {
                model.show(selected);
            }
        });

        Button show = new Button("Show call");
        show.setId("alert-show");
        show.disableProperty().bind(list.getSelectionModel().selectedItemProperty().isNull());
        show.setOnAction(e -> model.show(list.getSelectionModel().getSelectedItem()));
        Button ack = new Button("Acknowledge");
        ack.setId("alert-ack");
        ack.disableProperty().bind(list.getSelectionModel().selectedItemProperty().isNull());
        ack.setOnAction(e -> model.acknowledge(list.getSelectionModel().getSelectedItem()));
        Button ackAll = new Button("Acknowledge all");
        ackAll.setOnAction(e -> model.acknowledgeAll());
        Label title = new Label("Alerts");
        title.getStyleClass().add("section-title");
        HBox bar = new HBox(8, title, show, ack, ackAll);
        bar.setPadding(new Insets(6));
        setTop(bar);
        setCenter(list);
    }
}
