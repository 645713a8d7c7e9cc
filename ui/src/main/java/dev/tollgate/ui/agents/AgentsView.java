package dev.tollgate.ui.agents;

import dev.tollgate.engine.UpstreamStatus;
import dev.tollgate.ui.HistoryRange;
import dev.tollgate.ui.live.CallDetails;
import java.util.Locale;
import java.util.function.Function;
import javafx.beans.binding.Bindings;
import javafx.beans.property.ReadOnlyObjectWrapper;
import javafx.collections.FXCollections;
import javafx.geometry.Insets;
import javafx.geometry.Orientation;
import javafx.geometry.Pos;
import javafx.scene.control.Button;
import javafx.scene.control.ComboBox;
import javafx.scene.control.Label;
import javafx.scene.control.SplitPane;
import javafx.scene.control.TableColumn;
import javafx.scene.control.TableView;
import javafx.scene.layout.BorderPane;
import javafx.scene.layout.HBox;
import javafx.scene.layout.Priority;
import javafx.scene.layout.VBox;

/** Per agent and server: tools used, never used and erroring; the selected pair's tools; the upstream servers. */
public final class AgentsView extends BorderPane {
    public AgentsView(AgentsViewModel model) {
        getStyleClass().add("agents-view");
        ComboBox<HistoryRange> range = new ComboBox<>(FXCollections.observableArrayList(HistoryRange.values()));
        range.valueProperty().bindBidirectional(model.rangeProperty());
        Button refresh = new Button("Refresh");
        refresh.setOnAction(e -> model.refresh());
        Label message = new Label();
        message.getStyleClass().add("muted");
        message.textProperty().bind(model.messageProperty());
        Label title = new Label("Agents & Servers");
        title.getStyleClass().add("section-title");
        HBox bar = new HBox(8, title, range, refresh, message);
        bar.setAlignment(Pos.CENTER_LEFT);
        bar.setPadding(new Insets(6));
        setTop(bar);

        TableView<UsageRow> pairs = new TableView<>(model.rows());
        pairs.setId("usage-table");
        pairs.setPlaceholder(placeholder(model, "No calls in this range.", "usage-placeholder"));
        pairs.getColumns().add(col("Agent", UsageRow::agentId));
        pairs.getColumns().add(col("Server", UsageRow::server));
        pairs.getColumns().add(col("Calls", r -> Long.toString(r.calls())));
        pairs.getColumns().add(col("Tools used", r -> Integer.toString(r.toolsUsed())));
        pairs.getColumns()
                .add(col(
                        "Never used",
                        r -> r.neverUsed().isPresent()
                                ? Integer.toString(r.neverUsed().getAsInt())
                                : "?"));
        pairs.getColumns().add(col("Erroring tools", r -> Long.toString(r.toolsErroring())));
        pairs.getColumns().add(col("Errors", r -> Long.toString(r.errors())));
        pairs.getColumns().add(col("Error rate", r -> percent(r.errorRate())));
        pairs.getColumns().add(col("Blocked", r -> Long.toString(r.blocked())));
        pairs.setColumnResizePolicy(TableView.CONSTRAINED_RESIZE_POLICY_FLEX_LAST_COLUMN);
        pairs.getSelectionModel()
                .selectedItemProperty()
                .addListener((o, was, now) -> model.selectedProperty().set(now));

        TableView<UsageRow.ToolUsage> tools = new TableView<>(model.tools());
        tools.setId("tool-usage-table");
        tools.setPlaceholder(new Label("Select an agent and server."));
        tools.getColumns().add(col("Tool", UsageRow.ToolUsage::tool));
        tools.getColumns().add(col("Calls", t -> Long.toString(t.calls())));
        tools.getColumns().add(col("Errors", t -> Long.toString(t.errors())));
        tools.getColumns().add(col("Error rate", t -> percent(t.errorRate())));
        tools.getColumns().add(col("Blocked", t -> Long.toString(t.blocked())));
        tools.getColumns().add(col("Last used", t -> CallDetails.DATE_TIME.format(t.lastUsed())));
        tools.setColumnResizePolicy(TableView.CONSTRAINED_RESIZE_POLICY_FLEX_LAST_COLUMN);

        TableView<UpstreamStatus> servers = new TableView<>(model.upstreams());
        servers.setId("upstream-table");
        servers.setPlaceholder(placeholder(model, "No upstream servers (opened read-only).", "upstream-placeholder"));
        servers.getColumns().add(col("Server", UpstreamStatus::server));
        servers.getColumns().add(col("Transport", UpstreamStatus::transport));
        servers.getColumns().add(col("State", UpstreamStatus::state));
        servers.getColumns().add(col("Tools", u -> Integer.toString(u.toolCount())));
        servers.getColumns().add(col("Last error", u -> u.lastError().orElse("")));
        servers.getColumns()
                .add(col(
                        "Next attempt",
                        u -> u.retryAt().map(CallDetails.DATE_TIME::format).orElse("")));
        servers.getColumns().add(col("Detail", UpstreamStatus::detail));
        servers.setColumnResizePolicy(TableView.CONSTRAINED_RESIZE_POLICY_FLEX_LAST_COLUMN);
        servers.setPrefHeight(140);

        VBox.setVgrow(pairs, Priority.ALWAYS);
        VBox top = new VBox(4, pairs, new Label("Upstream servers"), servers);
        SplitPane split = new SplitPane(top, tools);
        split.setOrientation(Orientation.VERTICAL);
        split.setDividerPositions(0.6);
        setCenter(split);
    }

    /** An empty table says so only once the count is in; while counting it says it is counting. */
    private static Label placeholder(AgentsViewModel model, String empty, String id) {
        Label label = new Label();
        label.setId(id);
        label.textProperty()
                .bind(Bindings.when(model.countingProperty()).then("Counting…").otherwise(empty));
        return label;
    }

    private static String percent(double rate) {
        return String.format(Locale.ROOT, "%.1f %%", rate * 100);
    }

    private static <T> TableColumn<T, String> col(String title, Function<T, String> value) {
        TableColumn<T, String> c = new TableColumn<>(title);
        c.setCellValueFactory(cell -> new ReadOnlyObjectWrapper<>(value.apply(cell.getValue())));
        return c;
    }
}
