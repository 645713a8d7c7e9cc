package dev.tollgate.ui.security;

import dev.tollgate.events.EngineEvent;
import dev.tollgate.pinning.DefinitionDiff;
import dev.tollgate.pinning.ToolPins;
import dev.tollgate.ui.fx.Background;
import java.util.List;
import javafx.beans.property.ObjectProperty;
import javafx.beans.property.SimpleObjectProperty;
import javafx.beans.property.SimpleStringProperty;
import javafx.beans.property.StringProperty;
import javafx.collections.FXCollections;
import javafx.collections.ObservableList;

/**
 * The tools whose offered definition differs from the pinned one, the diff of the selected tool, and approving
 * it (re-pinning what the server offers now). Refreshes when the engine reports a changed definition.
 */
public final class PinsViewModel {
    private final ToolPins pins;
    private final Background background;
    private final ObservableList<ToolPins.Change> changes = FXCollections.observableArrayList();
    private final ObjectProperty<ToolPins.Change> selected = new SimpleObjectProperty<>();
    private final ObservableList<String> diff = FXCollections.observableArrayList();
    private final StringProperty message = new SimpleStringProperty("");

    public PinsViewModel(ToolPins pins, Background background) {
        this.pins = pins;
        this.background = background;
        selected.addListener((o, was, now) ->
                diff.setAll(now == null ? List.of() : DefinitionDiff.lines(now.pinned(), now.offered())));
    }

    public ObservableList<ToolPins.Change> changes() {
        return changes;
    }

    public ObjectProperty<ToolPins.Change> selectedProperty() {
        return selected;
    }
    /** The selected tool's definitions as a line diff: {@code "- "} pinned only, {@code "+ "} offered only. */
    public ObservableList<String> diff() {
        return diff;
    }

    public StringProperty messageProperty() {
        return message;
    }

    /** Re-reads the changed tools. */
    public void refresh() {
        background.run(pins::changes, this::show, e -> message.set("Cannot read the pins: " + e.getMessage()));
    }

    private void show(List<ToolPins.Change> now) {
        String keep = selected.get() == null ? null : selected.get().tool().qualified();
        changes.setAll(now);
        selected.set(now.stream()
                .filter(c -> c.tool().qualified().equals(keep))
                .findFirst()
                .orElse(now.isEmpty() ? null : now.get(0)));
    }

    public void onEvents(List<EngineEvent> batch) {
        if (batch.stream().anyMatch(e -> e instanceof EngineEvent.ToolDefinitionChanged)) {
            refresh();
        }
    }

    /** Pins the selected tool's offered definition; the tool is listed and callable again. */
    public void approveSelected() {
        ToolPins.Change change = selected.get();
        if (change == null) {
            return;
        }
        background.run(
                () -> {
                    pins.approve(change.tool());
                    return pins.changes();
                },
                now -> {
                    message.set(change.tool() + " re-pinned: agents see it again.");
                    show(now);
                },
                e -> message.set("Could not approve " + change.tool() + ": " + e.getMessage()));
    }
}
