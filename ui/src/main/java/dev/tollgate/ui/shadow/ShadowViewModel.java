package dev.tollgate.ui.shadow;

import dev.tollgate.events.EngineEvent;
import dev.tollgate.shadow.ShadowControl;
import dev.tollgate.ui.fx.Background;
import java.time.Instant;
import java.util.List;
import java.util.Locale;
import javafx.beans.property.SimpleStringProperty;
import javafx.beans.property.StringProperty;
import javafx.collections.FXCollections;
import javafx.collections.ObservableList;

/**
 * The calls where the shadow candidate disagreed with the running policy, newest first, as they happen, and
 * promoting the candidate to the running configuration.
 */
public final class ShadowViewModel {
    static final int MAX_ROWS = 1_000;

    /** One disagreement as the table shows it. */
    public record Row(
            Instant at, String agent, String tool, String live, String liveRule, String shadow, String shadowRule) {}

    private final ShadowControl control;
    private final Background background;
    private final ObservableList<Row> rows = FXCollections.observableArrayList();
    private final StringProperty summary = new SimpleStringProperty();
    private final StringProperty message = new SimpleStringProperty("");
    private long wouldBlock;
    private long wouldAllow;

    public ShadowViewModel(ShadowControl control, Background background) {
        this.control = control;
        this.background = background;
        summarise();
    }

    public ObservableList<Row> rows() {
        return rows;
    }

    public StringProperty summaryProperty() {
        return summary;
    }

    public StringProperty messageProperty() {
        return message;
    }

    public void onEvents(List<EngineEvent> batch) {
        boolean any = false;
        for (EngineEvent e : batch) {
            if (e instanceof EngineEvent.ShadowDisagreed d) {
                rows.add(
                        0,
                        new Row(
                                d.at(),
                                d.call().agentId(),
                                d.call().tool().qualified(),
                                d.live().verdict().wire(),
                                d.live().rule(),
                                d.shadow().decision(),
                                d.shadow().rule()));
                if ("blocked".equals(d.shadow().decision())) {
                    wouldBlock++;
                } else {
                    wouldAllow++;
                }
                any = true;
            }
        }
        if (any) {
            if (rows.size() > MAX_ROWS) {
                rows.remove(MAX_ROWS, rows.size());
            }
            summarise();
        }
    }

    private void summarise() {
        summary.set(String.format(
                Locale.ROOT,
                "Shadow %s: %d disagreements since this window opened "
                        + "(%d the candidate would block, %d it would allow). Nothing is enforced from it.",
                control.candidate().getFileName(),
                wouldBlock + wouldAllow,
                wouldBlock,
                wouldAllow));
    }

    /** Makes the candidate the running configuration. */
    public void promote() {
        background.run(
                () -> {
                    control.promote();
                    return control.candidate();
                },
                file -> message.set(file.getFileName() + " is now the running configuration."),
                e -> message.set("Not promoted: " + e.getMessage()));
    }
}
