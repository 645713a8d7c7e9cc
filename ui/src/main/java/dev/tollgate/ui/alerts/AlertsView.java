package dev.tollgate.ui.alerts;

import dev.tollgate.ui.live.CallDetails;
import javafx.beans.binding.Bindings;
import javafx.css.PseudoClass;
import javafx.geometry.Insets;
import javafx.scene.control.Button;
import javafx.scene.control.Label;
import javafx.scene.control.ListCell;
import javafx.scene.control.ListView;
import javafx.scene.layout.BorderPane;
import javafx.scene.layout.HBox;
import javafx.scene.layout.Region;

/**
 * The incident list, newest first: a double click (or "Show in timeline") filters the timeline to the incident,
 * "Open conversation" shows its conversation in Replay; acknowledge one or all.
 */
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
                pseudoClassStateChanged(
                        ACKNOWLEDGED,
                        !empty && item != null && item.acknowledgedProperty().get());
                setText(
                        empty || item == null
                                ? null
                                : CallDetails.DATE_TIME.format(item.lastAt()) + "   " + item.message());
            }
        });
        list.setOnMouseClicked(e -> {
            AlertEntry selected = list.getSelectionModel().getSelectedItem();
            if (selected != null && e.getClickCount() == 2) {
                model.show(selected);
            }
        });

        Button show = new Button("Show in timeline");
        show.setId("alert-show");
        show.setMinWidth(Region.USE_PREF_SIZE);
        show.disableProperty()
                .bind(list.getSelectionModel().selectedItemProperty().isNull());
        show.setOnAction(e -> model.show(list.getSelectionModel().getSelectedItem()));
        Button conversation = new Button("Open conversation");
        conversation.setId("alert-conversation");
        conversation.setMinWidth(Region.USE_PREF_SIZE);
        conversation
                .disableProperty()
                .bind(Bindings.createBooleanBinding(
                        () -> {
                            AlertEntry selected = list.getSelectionModel().getSelectedItem();
                            return selected == null || selected.conversations().isEmpty();
                        },
                        list.getSelectionModel().selectedItemProperty(),
                        model.alerts()));
        conversation.setOnAction(
                e -> model.openConversation(list.getSelectionModel().getSelectedItem()));
        Button ack = new Button("Acknowledge");
        ack.setId("alert-ack");
        ack.disableProperty()
                .bind(list.getSelectionModel().selectedItemProperty().isNull());
        ack.setOnAction(e -> model.acknowledge(list.getSelectionModel().getSelectedItem()));
        Button ackAll = new Button("Acknowledge all");
        ackAll.setOnAction(e -> model.acknowledgeAll());
        Label title = new Label("Alerts");
        title.getStyleClass().add("section-title");
        HBox bar = new HBox(8, title, show, conversation, ack, ackAll);
        bar.setPadding(new Insets(6));
        setTop(bar);
        setCenter(list);
    }
}
