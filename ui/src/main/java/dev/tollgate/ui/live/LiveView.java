package dev.tollgate.ui.live;

import dev.tollgate.audit.AuditRecord;
import dev.tollgate.json.Json;
import dev.tollgate.ui.export.Exporter;
import java.time.Instant;
import java.time.LocalDate;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;
import java.util.function.Function;
import javafx.animation.Animation;
import javafx.animation.KeyFrame;
import javafx.animation.Timeline;
import javafx.beans.binding.Bindings;
import javafx.beans.property.ObjectProperty;
import javafx.beans.property.ReadOnlyObjectWrapper;
import javafx.beans.property.SimpleObjectProperty;
import javafx.collections.ListChangeListener;
import javafx.css.PseudoClass;
import javafx.geometry.Insets;
import javafx.geometry.Orientation;
import javafx.scene.control.Button;
import javafx.scene.control.ContextMenu;
import javafx.scene.control.Label;
import javafx.scene.control.MenuButton;
import javafx.scene.control.MenuItem;
import javafx.scene.control.SelectionMode;
import javafx.scene.control.SeparatorMenuItem;
import javafx.scene.control.SplitPane;
import javafx.scene.control.TableCell;
import javafx.scene.control.TableColumn;
import javafx.scene.control.TableRow;
import javafx.scene.control.TableView;
import javafx.scene.control.TextArea;
import javafx.scene.control.TextField;
import javafx.scene.control.ToggleButton;
import javafx.scene.control.Tooltip;
import javafx.scene.control.skin.VirtualFlow;
import javafx.scene.input.Clipboard;
import javafx.scene.input.DataFormat;
import javafx.scene.layout.BorderPane;
import javafx.scene.layout.HBox;
import javafx.scene.layout.Priority;
import javafx.scene.layout.VBox;
import javafx.util.Duration;

/** The live timeline: filter bar, virtualized call table (blocked rows marked) and the detail pane. */
public final class LiveView extends BorderPane {
    private static final PseudoClass BLOCKED = PseudoClass.getPseudoClass("blocked");
    private static final PseudoClass FAILED = PseudoClass.getPseudoClass("failed");
    /** The live view's width from which the detail pane sits beside the table rather than below it. */
    private static final double SIDE_BY_SIDE_FROM = 1500;

    private final LiveViewModel model;
    private final TextField filterField = new TextField();
    private final TableView<AuditRecord> table = new TableView<>();
    private final TextArea detail = new TextArea();
    private final Repeats repeats;
    /** Ticks every second so the relative times ("12 s ago") stay true while the table is open. */
    private final ObjectProperty<Instant> now = new SimpleObjectProperty<>(Instant.now());
    /** The local date, so the Time column drops the date for today's calls and shows it again after midnight. */
    private final ObjectProperty<LocalDate> today = new SimpleObjectProperty<>(LocalDate.now());
    /** Table and detail pane: side by side on a wide window, one above the other on a narrow one. */
    private final SplitPane split = new SplitPane();

    private Consumer<String> openConversation = id -> {};
    private Function<AuditRecord, String> curlCommand = r -> CurlCommand.of(r, Optional.empty(), "__");
    private Consumer<AuditRecord> resend = r -> {};
    private BooleanSupplier resendable = () -> false;

    public LiveView(LiveViewModel model) {
        this.model = model;
        getStyleClass().add("live-view");

        filterField.setId("filter-field");
        filterField.setPromptText(
                "Filter: agent:billing tool:payments.* decision:blocked latency>500ms \"text\"   (Ctrl+F)");
        filterField.textProperty().bindBidirectional(model.filterTextProperty());
        filterField.setOnAction(e -> model.applyFilter());
        HBox.setHgrow(filterField, Priority.ALWAYS);

        MenuButton saved = new MenuButton("Saved");
        saved.setId("saved-filters");
        Runnable refreshSaved = () -> saved.getItems()
                .setAll(model.savedFilters().stream()
                        .map(text -> {
                            MenuItem item = new MenuItem(text);
                            item.setOnAction(e -> {
                                model.filterTextProperty().set(text);
                                model.applyFilter();
                            });
                            return item;
                        })
                        .toList());
        model.savedFilters().addListener((ListChangeListener<String>) c -> refreshSaved.run());
        refreshSaved.run();
        Button save = new Button("Save filter");
        save.setOnAction(e -> model.saveCurrentFilter());

        ToggleButton follow = new ToggleButton("Auto-scroll");
        follow.setId("auto-scroll");
        follow.selectedProperty().bindBidirectional(model.autoScrollProperty());
        follow.setTooltip(new Tooltip("Pause or resume following new calls"));

        Button older = new Button("Load older");
        older.setId("load-older");
        older.disableProperty()
                .bind(model.loadingProperty().or(model.moreOlderProperty().not()));
        older.setOnAction(e -> model.loadOlder());

        Label error = new Label();
        error.getStyleClass().add("error-text");
        error.setId("filter-error");
        error.textProperty().bind(model.filterErrorProperty());
        error.visibleProperty().bind(model.filterErrorProperty().isNotEmpty());
        error.managedProperty().bind(error.visibleProperty());

        HBox bar = new HBox(6, filterField, saved, save, follow, older);
        bar.getStyleClass().add("tool-bar-row");
        bar.setPadding(new Insets(6));
        Label status = new Label();
        status.textProperty().bind(model.statusProperty());
        status.getStyleClass().add("muted");
        VBox top = new VBox(2, bar, error, status);
        top.setPadding(new Insets(0, 6, 4, 6));
        setTop(top);

        table.setId("call-table");
        repeats = new Repeats(model.rows());
        table.setItems(repeats.shown());
        table.getSelectionModel().setSelectionMode(SelectionMode.MULTIPLE);
        table.setColumnResizePolicy(TableView.CONSTRAINED_RESIZE_POLICY_FLEX_LAST_COLUMN);
        table.setTableMenuButtonVisible(true);
        table.setPlaceholder(new Label("No calls yet. Point an agent at the proxy endpoint in the status bar."));
        table.getColumns().add(fixed(repeatsColumn()));
        table.getColumns().add(fixed(timeColumn()));
        TableColumn<AuditRecord, String> ago = column("Ago", 76, r -> "");
        ago.setCellValueFactory(cell -> Bindings.createStringBinding(
                () -> RelativeTime.ago(cell.getValue().timestamp(), now.get()), now));
        table.getColumns().add(fixed(ago));
        table.getColumns().add(column("Agent", 115, AuditRecord::agentId));
        table.getColumns().add(column("User", 55, r -> r.user().orElse("")));
        table.getColumns().add(column("Tool", 180, AuditRecord::qualifiedTool));
        table.getColumns().add(fixed(column("Decision", 68, AuditRecord::decision)));
        table.getColumns().add(fixed(column("Status", 62, r -> r.blocked() ? "—" : r.status())));
        table.getColumns().add(column("Reason", 190, Reason::describe));
        table.getColumns().add(fixed(column("Latency", 64, r -> String.format(Locale.ROOT, "%.0f ms", r.latencyMs()))));
        table.getColumns()
                .add(column("Conversation", 120, r -> r.conversationId().orElse("")));
        table.setRowFactory(t -> new TableRow<>() {
            @Override
            protected void updateItem(AuditRecord item, boolean empty) {
                super.updateItem(item, empty);
                pseudoClassStateChanged(BLOCKED, !empty && item != null && item.blocked());
                pseudoClassStateChanged(
                        FAILED, !empty && item != null && !item.blocked() && !"success".equals(item.status()));
                setContextMenu(empty || item == null ? null : contextMenu(item));
            }
        });
        table.getSelectionModel().selectedItemProperty().addListener((o, was, now) -> {
            if (now != null && now != model.selectedProperty().get()) {
                model.selectedProperty().set(now);
            }
        });
        model.selectedProperty().addListener((o, was, now) -> {
            if (now != null && table.getSelectionModel().getSelectedItem() != now) {
                repeats.reveal(now);
                table.getSelectionModel().clearSelection();
                table.getSelectionModel().select(now);
            }
        });
        model.onScrollToSelected(() -> {
            int index = table.getSelectionModel().getSelectedIndex();
            if (index >= 0) {
                table.scrollTo(Math.max(0, index - 3));
            }
        });
        repeats.shown().addListener((ListChangeListener<AuditRecord>) c -> {
            if (model.autoScrollProperty().get() && !repeats.shown().isEmpty()) {
                followNewest();
            }
        });
        model.autoScrollProperty().addListener((o, was, now) -> {
            if (now && !model.rows().isEmpty()) {
                followNewest();
            }
        });

        detail.setId("call-detail");
        detail.setEditable(false);
        detail.getStyleClass().add("mono");
        detail.textProperty()
                .bind(Bindings.createStringBinding(
                        () -> Optional.ofNullable(model.selectedProperty().get())
                                .map(CallDetails::describe)
                                .orElse("Select a call to see its arguments, result and the rule that decided it."),
                        model.selectedProperty()));

        Timeline tick = new Timeline(new KeyFrame(Duration.seconds(1), e -> {
            now.set(Instant.now());
            LocalDate date = LocalDate.now();
            if (!date.equals(today.get())) {
                today.set(date);
            }
        }));
        tick.setCycleCount(Animation.INDEFINITE);
        tick.play();

        split.getItems().setAll(table, detail);
        split.setOrientation(Orientation.VERTICAL);
        split.setDividerPositions(0.62);
        widthProperty().addListener((o, was, width) -> arrange(width.doubleValue()));
        setCenter(split);
    }

    /**
     * Beside the table only when every column fits beside it at its preferred width; on a narrower window
     * (the default 1280 px one) the detail pane goes below, so the table keeps its full width.
     */
    private void arrange(double width) {
        Orientation wanted = width >= SIDE_BY_SIDE_FROM ? Orientation.HORIZONTAL : Orientation.VERTICAL;
        if (split.getOrientation() != wanted) {
            split.setOrientation(wanted);
            split.setDividerPositions(wanted == Orientation.HORIZONTAL ? 0.72 : 0.62);
        }
    }

    /** The time of day for today's calls, the day for older ones; the full date and time as the tooltip. */
    private TableColumn<AuditRecord, String> timeColumn() {
        TableColumn<AuditRecord, String> c = column("Time", 112, r -> "");
        c.setCellValueFactory(cell -> Bindings.createStringBinding(
                () -> CallDetails.shortTime(cell.getValue().timestamp(), today.get()), today));
        c.setCellFactory(col -> new TableCell<>() {
            private final Tooltip full = new Tooltip();

            @Override
            protected void updateItem(String item, boolean empty) {
                super.updateItem(item, empty);
                AuditRecord record =
                        empty || getTableRow() == null ? null : getTableRow().getItem();
                setText(empty ? null : item);
                if (record == null) {
                    setTooltip(null);
                } else {
                    full.setText(CallDetails.DATE_TIME.format(record.timestamp()));
                    setTooltip(full);
                }
            }
        });
        return c;
    }

    /** A column that keeps its width when the table is narrow: the others give way first. */
    private static TableColumn<AuditRecord, String> fixed(TableColumn<AuditRecord, String> c) {
        c.setMinWidth(c.getPrefWidth());
        return c;
    }

    /**
     * Keeps the newest row in sight. Moving the flow's position only invalidates its layout, which the next
     * pulse does once; {@code scrollTo} would lay the table out again for every batch.
     */
    private void followNewest() {
        if (table.lookup(".virtual-flow") instanceof VirtualFlow<?> flow) {
            flow.setPosition(1.0);
        } else {
            table.scrollTo(repeats.shown().size() - 1);
        }
    }

    /**
     * A row's context menu: Open conversation (when the call has one), Copy as JSON, Copy as curl (the agent's key
     * left as a variable), Re-send… (when this window runs a proxy), and expanding or collapsing its repeats.
     */
    private ContextMenu contextMenu(AuditRecord record) {
        MenuItem open = new MenuItem("Open conversation");
        open.setId("menu-open-conversation");
        open.setDisable(record.conversationId().isEmpty());
        open.setOnAction(e -> record.conversationId().ifPresent(openConversation));
        MenuItem copy = new MenuItem("Copy as JSON");
        copy.setId("menu-copy-json");
        copy.setOnAction(e -> copy(Json.write(Exporter.toJson(record))));
        MenuItem curl = new MenuItem("Copy as curl");
        curl.setId("menu-copy-curl");
        curl.setOnAction(e -> copy(curlCommand.apply(record)));
        MenuItem resend = new MenuItem("Re-send…");
        resend.setId("menu-resend");
        resend.setDisable(!resendable.getAsBoolean());
        resend.setOnAction(e -> this.resend.accept(record));
        MenuItem expand = new MenuItem(repeats.isExpanded(record) ? "Collapse repeats" : "Expand repeats");
        expand.setDisable(repeats.runSize(record).get() < 2);
        expand.setOnAction(e -> repeats.toggle(record));
        return new ContextMenu(open, copy, curl, resend, new SeparatorMenuItem(), expand);
    }

    private static void copy(String text) {
        Clipboard.getSystemClipboard().setContent(Map.of(DataFormat.PLAIN_TEXT, text));
    }

    /** "×N" on the first row of a run of repeats; clicking it expands the run into its N rows, or collapses it. */
    private TableColumn<AuditRecord, String> repeatsColumn() {
        TableColumn<AuditRecord, String> c = column("×", 55, r -> "");
        c.setId("col-repeats");
        c.setCellValueFactory(cell -> Bindings.createStringBinding(
                () -> {
                    int n = repeats.runSize(cell.getValue()).get();
                    return n < 2 ? "" : "×" + n + (repeats.isExpanded(cell.getValue()) ? " ▾" : " ▸");
                },
                repeats.runSize(cell.getValue())));
        c.setCellFactory(col -> new TableCell<>() {
            {
                getStyleClass().add("repeat-count");
                setOnMouseClicked(e -> {
                    if (getTableRow() != null && getTableRow().getItem() != null && !isEmpty()) {
                        repeats.toggle(getTableRow().getItem());
                    }
                });
            }

            @Override
            protected void updateItem(String item, boolean empty) {
                super.updateItem(item, empty);
                setText(empty ? null : item);
            }
        });
        return c;
    }

    /** The live rows as displayed, repeats collapsed. */
    public Repeats repeats() {
        return repeats;
    }

    /** What "Open conversation" does: the shell shows it in Replay. */
    public void setOnOpenConversation(Consumer<String> action) {
        openConversation = action;
    }

    /** How "Copy as curl" writes a call (the shell knows the endpoint and the tool name separator). */
    public void setCurlCommand(Function<AuditRecord, String> command) {
        curlCommand = command;
    }

    /** What "Re-send…" does (Replay's governed re-send, with its confirmation), and whether this window can. */
    public void setOnResend(Consumer<AuditRecord> action, BooleanSupplier enabled) {
        resend = action;
        resendable = enabled;
    }

    /** Gives the filter field focus (Ctrl+F). */
    public void focusFilter() {
        filterField.requestFocus();
        filterField.selectAll();
    }

    public TableView<AuditRecord> table() {
        return table;
    }

    private static TableColumn<AuditRecord, String> column(
            String title, double width, Function<AuditRecord, String> value) {
        TableColumn<AuditRecord, String> c = new TableColumn<>(title);
        c.setPrefWidth(width);
        c.setMinWidth(width * 0.6);
        c.setCellValueFactory(cell -> new ReadOnlyObjectWrapper<>(value.apply(cell.getValue())));
        c.setId("col-" + title.toLowerCase(Locale.ROOT));
        return c;
    }
}
