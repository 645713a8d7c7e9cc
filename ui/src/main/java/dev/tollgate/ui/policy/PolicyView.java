package dev.tollgate.ui.policy;

import dev.tollgate.config.ConfigException;
import dev.tollgate.policy.PreviewReport;
import dev.tollgate.ui.HistoryRange;
import dev.tollgate.ui.live.CallDetails;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Function;
import javafx.beans.binding.Bindings;
import javafx.beans.property.ReadOnlyObjectWrapper;
import javafx.beans.property.SimpleObjectProperty;
import javafx.collections.FXCollections;
import javafx.collections.ListChangeListener;
import javafx.geometry.Insets;
import javafx.geometry.Pos;
import javafx.scene.Node;
import javafx.scene.control.Alert;
import javafx.scene.control.Button;
import javafx.scene.control.ButtonBar;
import javafx.scene.control.ButtonType;
import javafx.scene.control.ComboBox;
import javafx.scene.control.Label;
import javafx.scene.control.ListCell;
import javafx.scene.control.ListView;
import javafx.scene.control.SplitPane;
import javafx.scene.control.Tab;
import javafx.scene.control.TabPane;
import javafx.scene.control.TableColumn;
import javafx.scene.control.TableView;
import javafx.scene.control.Tooltip;
import javafx.scene.layout.BorderPane;
import javafx.scene.layout.HBox;
import javafx.scene.layout.Priority;
import javafx.scene.layout.Region;
import javafx.scene.layout.VBox;
import org.fxmisc.flowless.VirtualizedScrollPane;
import org.fxmisc.richtext.CodeArea;
import org.fxmisc.richtext.LineNumberFactory;

/** The policy YAML editor with problems at their lines, the live preview over history, and the diff before Save. */
public final class PolicyView extends BorderPane {
    private final PolicyViewModel model;
    private final CodeArea editor = new CodeArea();
    private final TabPane tabs = new TabPane();
    private final SimpleObjectProperty<Map<Integer, String>> problemLines = new SimpleObjectProperty<>(Map.of());

    /** Adds a tab beside the preview and the diff (the shadow candidate's disagreements). */
    public void addTab(String title, Node content) {
        Tab tab = new Tab(title, content);
        tab.setId("policy-tab-" + title.toLowerCase(Locale.ROOT));
        tabs.getTabs().add(tab);
    }

    public PolicyView(PolicyViewModel model) {
        this.model = model;
        getStyleClass().add("policy-view");

        editor.setId("policy-editor");
        editor.setParagraphGraphicFactory(line -> gutter(line));
        editor.replaceText(model.textProperty().get());
        editor.textProperty().addListener((o, was, now) -> {
            if (!now.equals(model.textProperty().get())) {
                model.textProperty().set(now);
            }
            editor.setStyleSpans(0, YamlHighlighter.highlight(now));
        });
        model.textProperty().addListener((o, was, now) -> {
            if (!now.equals(editor.getText())) {
                editor.replaceText(now);
            }
        });
        model.problems().addListener((ListChangeListener<ConfigException>) c -> markProblems());

        Button save = new Button("Save…");
        save.setId("policy-save");
        save.disableProperty().bind(model.canSaveProperty().not());
        save.setOnAction(e -> confirmAndApply());
        Button revert = new Button("Revert");
        revert.setOnAction(e -> model.revert());
        Label message = new Label();
        message.setId("policy-message");
        message.textProperty().bind(model.messageProperty());
        Label title = new Label("Policy");
        title.getStyleClass().add("section-title");
        HBox toolbar = new HBox(8, title, save, revert, message);
        toolbar.setAlignment(Pos.CENTER_LEFT);
        toolbar.setPadding(new Insets(6));

        ListView<ConfigException> problems = new ListView<>(model.problems());
        problems.setId("policy-problems");
        problems.setPrefHeight(90);
        problems.setPlaceholder(new Label("No problems."));
        problems.setCellFactory(v -> new ListCell<>() {
            @Override
            protected void updateItem(ConfigException item, boolean empty) {
                super.updateItem(item, empty);
                setText(empty || item == null ? null : "line " + item.line() + ": " + item.detail());
                getStyleClass().remove("error-text");
                if (!empty && item != null) {
                    getStyleClass().add("error-text");
                }
            }
        });
        problems.setOnMouseClicked(e -> {
            ConfigException p = problems.getSelectionModel().getSelectedItem();
            if (p != null && p.line() > 0 && p.line() <= editor.getParagraphs().size()) {
                editor.moveTo(p.line() - 1, 0);
                editor.requestFollowCaret();
                editor.requestFocus();
            }
        });

        VirtualizedScrollPane<CodeArea> scroller = new VirtualizedScrollPane<>(editor);
        VBox.setVgrow(scroller, Priority.ALWAYS);
        VBox left = new VBox(toolbar, externalChangeBanner(), scroller, problems);

        SplitPane split = new SplitPane(left, sidePanel());
        split.setDividerPositions(0.55);
        setCenter(split);
        editor.setStyleSpans(0, YamlHighlighter.highlight(editor.getText()));
    }

    /** Shown while the file changed on disk during an edit: reload it, or merge it with the edits. */
    private Node externalChangeBanner() {
        Label text = new Label("The policy file changed on disk while you were editing.");
        Button reload = new Button("Reload (drop my edits)");
        reload.setId("policy-reload");
        reload.setMinWidth(Region.USE_PREF_SIZE);
        reload.setOnAction(e -> model.reloadExternal());
        Button merge = new Button("Merge with my edits");
        merge.setId("policy-merge");
        merge.setMinWidth(Region.USE_PREF_SIZE);
        merge.setOnAction(e -> model.mergeExternal());
        HBox banner = new HBox(8, text, reload, merge);
        banner.setId("policy-external-change");
        banner.setAlignment(Pos.CENTER_LEFT);
        banner.getStyleClass().add("banner");
        banner.visibleProperty().bind(model.externalChangeProperty().isNotEmpty());
        banner.managedProperty().bind(banner.visibleProperty());
        return banner;
    }

    public CodeArea editor() {
        return editor;
    }

    private Node gutter(int line) {
        Node number = LineNumberFactory.get(editor).apply(line);
        Label marker = new Label("●");
        marker.getStyleClass().add("error-text");
        marker.visibleProperty()
                .bind(Bindings.createBooleanBinding(() -> problemLines.get().containsKey(line + 1), problemLines));
        marker.tooltipProperty()
                .bind(Bindings.createObjectBinding(
                        () -> problemLines.get().containsKey(line + 1)
                                ? new Tooltip(problemLines.get().get(line + 1))
                                : null,
                        problemLines));
        HBox box = new HBox(number, marker);
        box.setAlignment(Pos.CENTER_LEFT);
        return box;
    }

    private void markProblems() {
        Map<Integer, String> lines = new HashMap<>();
        for (ConfigException p : model.problems()) {
            if (p.line() > 0) {
                lines.merge(p.line(), p.detail(), (a, b) -> a + "\n" + b);
            }
        }
        problemLines.set(Map.copyOf(lines));
        for (int i = 0; i < editor.getParagraphs().size(); i++) {
            boolean bad = lines.containsKey(i + 1);
            if (bad != editor.getParagraph(i).getParagraphStyle().contains("has-error")) {
                editor.setParagraphStyle(i, bad ? List.of("has-error") : List.of());
            }
        }
    }

    /** Whether line {@code line} (1-based) is marked as having a problem. */
    public boolean lineMarked(int line) {
        return line >= 1
                && line <= editor.getParagraphs().size()
                && editor.getParagraph(line - 1).getParagraphStyle().contains("has-error");
    }

    private Node sidePanel() {
        Label summary = new Label();
        summary.setId("preview-summary");
        summary.setWrapText(true);
        summary.textProperty()
                .bind(Bindings.createStringBinding(
                        () -> {
                            if (model.previewingProperty().get()) {
                                return "Evaluating the candidate over recorded calls…";
                            }
                            return model.reportProperty()
                                    .get()
                                    .map(r -> String.format(
                                            Locale.ROOT,
                                            "%d recorded calls evaluated in %d ms: %d would now be blocked, %d would now be allowed.",
                                            r.evaluated(),
                                            r.took().toMillis(),
                                            r.allowedToBlocked(),
                                            r.blockedToAllowed()))
                                    .orElse("The preview appears when the policy is valid.");
                        },
                        model.reportProperty(),
                        model.previewingProperty()));

        ComboBox<HistoryRange> range = new ComboBox<>(FXCollections.observableArrayList(HistoryRange.values()));
        range.valueProperty().bindBidirectional(model.rangeProperty());
        Region spacer = new Region();
        HBox.setHgrow(spacer, Priority.ALWAYS);
        HBox head = new HBox(8, new Label("History:"), range);
        head.setAlignment(Pos.CENTER_LEFT);

        TableView<PreviewReport.ChangeCount> counts = new TableView<>();
        counts.setId("preview-counts");
        counts.setPlaceholder(new Label("No recorded call would change decision."));
        counts.getColumns().add(col("Agent", PreviewReport.ChangeCount::agentId));
        counts.getColumns().add(col("Tool", PreviewReport.ChangeCount::tool));
        counts.getColumns().add(col("→ blocked", c -> Long.toString(c.allowedToBlocked())));
        counts.getColumns().add(col("→ allowed", c -> Long.toString(c.blockedToAllowed())));
        counts.setColumnResizePolicy(TableView.CONSTRAINED_RESIZE_POLICY_FLEX_LAST_COLUMN);
        model.reportProperty()
                .addListener((o, was, now) ->
                        counts.getItems().setAll(now.map(PreviewReport::counts).orElse(List.of())));
        counts.getSelectionModel()
                .selectedItemProperty()
                .addListener((o, was, now) -> model.selectedCountProperty().set(now));

        ListView<PreviewReport.ChangedCall> changes = new ListView<>(model.shownChanges());
        changes.setId("preview-changes");
        changes.setPlaceholder(new Label("Select a row above to see its calls."));
        changes.setCellFactory(v -> new ListCell<>() {
            @Override
            protected void updateItem(PreviewReport.ChangedCall c, boolean empty) {
                super.updateItem(c, empty);
                setText(
                        empty || c == null
                                ? null
                                : CallDetails.DATE_TIME.format(c.timestamp()) + "  #" + c.recordId() + "  "
                                        + c.agentId() + "  " + c.tool() + "  " + c.before() + " → " + c.after() + "  ("
                                        + c.newRule() + ")");
            }
        });
        changes.setOnMouseClicked(e -> {
            PreviewReport.ChangedCall c = changes.getSelectionModel().getSelectedItem();
            if (c != null && e.getClickCount() == 2) {
                model.showCall(c);
            }
        });
        VBox.setVgrow(counts, Priority.ALWAYS);
        VBox.setVgrow(changes, Priority.ALWAYS);
        VBox preview = new VBox(
                6, head, summary, counts, new Label("Calls that would change (double-click to open):"), changes);
        preview.setPadding(new Insets(6));

        DiffView diff = new DiffView();
        diff.setId("policy-diff");
        diff.setOnJump(this::selectLines);
        Runnable refreshDiff = () -> diff.show(model.diff());
        model.textProperty().addListener((o, was, now) -> refreshDiff.run());
        model.runningProperty().addListener((o, was, now) -> refreshDiff.run());
        refreshDiff.run();

        tabs.getTabs().addAll(new Tab("Live preview", preview), new Tab("Diff vs running", diff));
        tabs.setTabClosingPolicy(TabPane.TabClosingPolicy.UNAVAILABLE);
        return tabs;
    }

    private void confirmAndApply() {
        DiffView diff = new DiffView();
        diff.show(model.diff());
        diff.setPrefSize(640, 360);
        ButtonType apply = new ButtonType("Apply", ButtonBar.ButtonData.OK_DONE);
        Alert confirm = new Alert(Alert.AlertType.CONFIRMATION, "", apply, ButtonType.CANCEL);
        confirm.setTitle("Apply policy");
        confirm.setHeaderText("Apply these changes to the running policy?");
        confirm.getDialogPane().setContent(diff);
        if (getScene() != null) {
            confirm.initOwner(getScene().getWindow());
            confirm.getDialogPane().getStylesheets().setAll(getScene().getStylesheets());
        }
        confirm.showAndWait().filter(apply::equals).ifPresent(b -> {
            DiffView.firstChange(model.diff()).ifPresent(this::selectLines);
            model.apply();
        });
    }

    /** Scrolls the editor to lines of the new text and selects them (a place between lines: the caret goes there). */
    private void selectLines(DiffView.Row lines) {
        int paragraphs = editor.getParagraphs().size();
        int from = Math.min(Math.max(1, lines.from()), paragraphs) - 1;
        if (lines.to() < lines.from()) {
            editor.moveTo(from, 0);
        } else {
            int to = Math.min(lines.to(), paragraphs) - 1;
            editor.selectRange(from, 0, to, editor.getParagraphLength(to));
        }
        editor.showParagraphAtTop(Math.max(0, from - 3));
        editor.requestFocus();
    }

    private static <T> TableColumn<T, String> col(String title, Function<T, String> value) {
        TableColumn<T, String> c = new TableColumn<>(title);
        c.setCellValueFactory(cell -> new ReadOnlyObjectWrapper<>(value.apply(cell.getValue())));
        return c;
    }
}
