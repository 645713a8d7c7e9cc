package dev.tollgate.ui.shadow;

import dev.tollgate.ui.live.CallDetails;
import java.util.function.Function;
import javafx.beans.property.SimpleStringProperty;
import javafx.geometry.Insets;
import javafx.scene.control.Button;
import javafx.scene.control.Label;
import javafx.scene.control.TableColumn;
import javafx.scene.control.TableView;
import javafx.scene.layout.HBox;
import javafx.scene.layout.Priority;
import javafx.scene.layout.VBox;

/** The Policy view's Shadow tab: the live disagreements of the shadow candidate and its Promote button. */
public final class ShadowPane extends VBox {

    public ShadowPane(ShadowViewModel model) {
        super(6);
        setPadding(new Insets(6));
        Label summary = new Label();
        summary.setId("shadow-summary");
        summary.setWrapText(true);
        summary.textProperty().bind(model.summaryProperty());
        TableView<ShadowViewModel.Row> table = new TableView<>(model.rows());
        table.setId("shadow-table");
        table.setPlaceholder(
                new Label("No disagreements yet: the candidate decided every call as the running policy."));
        table.getColumns().add(col("Time", r -> CallDetails.TIME.format(r.at())));
        table.getColumns().add(col("Agent", ShadowViewModel.Row::agent));
        table.getColumns().add(col("Tool", ShadowViewModel.Row::tool));
        table.getColumns().add(col("Running", r -> r.live() + " by " + r.liveRule()));
        table.getColumns().add(col("Candidate", r -> r.shadow() + " by " + r.shadowRule()));
        table.setColumnResizePolicy(TableView.CONSTRAINED_RESIZE_POLICY_FLEX_LAST_COLUMN);
        VBox.setVgrow(table, Priority.ALWAYS);
        Label details = new Label("Select a call to see both decisions in full.");
        details.setId("shadow-details");
        details.setWrapText(true);
        table.getSelectionModel()
                .selectedItemProperty()
                .addListener((o, was, row) -> details.setText(
                        row == null
                                ? "Select a call to see both decisions in full."
                                : row.agent() + " called " + row.tool() + "\nRunning policy: " + row.live() + " by "
                                        + row.liveRule() + "\nCandidate: " + row.shadow() + " by " + row.shadowRule()));
        Button promote = new Button("Promote candidate");
        promote.setId("shadow-promote");
        promote.setOnAction(e -> model.promote());
        Label message = new Label();
        message.setId("shadow-message");
        message.textProperty().bind(model.messageProperty());
        getChildren().addAll(summary, table, details, new HBox(8, promote, message));
    }

    private static TableColumn<ShadowViewModel.Row, String> col(
            String title, Function<ShadowViewModel.Row, String> value) {
        TableColumn<ShadowViewModel.Row, String> c = new TableColumn<>(title);
        c.setCellValueFactory(cell -> new SimpleStringProperty(value.apply(cell.getValue())));
        return c;
    }
}
