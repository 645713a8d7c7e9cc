package dev.tollgate.ui.live;

import dev.tollgate.audit.AuditRecord;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import javafx.beans.property.ReadOnlyIntegerProperty;
import javafx.beans.property.ReadOnlyIntegerWrapper;
import javafx.collections.FXCollections;
import javafx.collections.ListChangeListener;
import javafx.collections.ObservableList;

/**
 * The live rows with runs of repeats collapsed: consecutive calls of the same agent, tool, decision, reason and
 * arguments show as the run's first call with a count, until the investigator expands the run. FX thread only.
 */
public final class Repeats {
    private final ObservableList<AuditRecord> source;
    private final ObservableList<AuditRecord> shown = FXCollections.observableArrayList();
    /** Run size by the id of the run's first call; a run of one has no entry. */
    private final Map<Long, ReadOnlyIntegerWrapper> runs = new HashMap<>();

    private final Set<Long> expanded = new HashSet<>();
    private AuditRecord lastSource;
    private long lastRunId;

    public Repeats(ObservableList<AuditRecord> source) {
        this.source = source;
        source.addListener((ListChangeListener<AuditRecord>) this::changed);
        rebuild();
    }

    /** The rows to display. */
    public ObservableList<AuditRecord> shown() {
        return shown;
    }

    /** How many calls the run starting at this row holds (1 for a row that is no run's start). */
    public ReadOnlyIntegerProperty runSize(AuditRecord first) {
        ReadOnlyIntegerWrapper size = runs.get(first.id());
        return size == null ? new ReadOnlyIntegerWrapper(1).getReadOnlyProperty() : size.getReadOnlyProperty();
    }

    public boolean isExpanded(AuditRecord first) {
        return expanded.contains(first.id());
    }

    /** Shows every call of the run starting at {@code first}, or collapses it back to one row. */
    public void toggle(AuditRecord first) {
        if (!runs.containsKey(first.id())) {
            return;
        }
        if (!expanded.remove(first.id())) {
            expanded.add(first.id());
        }
        rebuild();
    }

    /** Expands the run that hides {@code record}, so a selected call is always visible. */
    public void reveal(AuditRecord record) {
        if (record == null || shown.contains(record)) {
            return;
        }
        long runId = Long.MIN_VALUE;
        AuditRecord previous = null;
        for (AuditRecord r : source) {
            if (previous == null || !same(previous, r)) {
                runId = r.id();
            }
            if (r == record) {
                expanded.add(runId);
                rebuild();
                return;
            }
            previous = r;
        }
    }

    /** Two calls are repeats when everything an investigator reads off the row, and the arguments, agree. */
    static boolean same(AuditRecord a, AuditRecord b) {
        return a.agentId().equals(b.agentId())
                && a.server().equals(b.server())
                && a.tool().equals(b.tool())
                && a.decision().equals(b.decision())
                && Objects.equals(a.rule(), b.rule())
                && Objects.equals(a.reason(), b.reason())
                && a.blocked() == b.blocked()
                && Objects.equals(a.arguments(), b.arguments());
    }

    private void changed(ListChangeListener.Change<? extends AuditRecord> c) {
        List<AuditRecord> added = new ArrayList<>();
        boolean appendOnly = true;
        while (c.next()) {
            appendOnly &= c.wasAdded()
                    && !c.wasRemoved()
                    && !c.wasPermutated()
                    && c.getTo() == source.size()
                    && added.isEmpty();
            added.addAll(c.getAddedSubList());
        }
        if (!appendOnly || lastSource == null) {
            rebuild();
            return;
        }
        added.forEach(this::append);
    }

    /** Live calls arrive at the end: grow the last run in place rather than re-laying the table out. */
    private void append(AuditRecord r) {
        if (same(lastSource, r)) {
            ReadOnlyIntegerWrapper size = runs.computeIfAbsent(lastRunId, id -> new ReadOnlyIntegerWrapper(1));
            size.set(size.get() + 1);
            if (expanded.contains(lastRunId)) {
                shown.add(r);
            }
        } else {
            lastRunId = r.id();
            shown.add(r);
        }
        lastSource = r;
    }

    private void rebuild() {
        List<AuditRecord> out = new ArrayList<>(source.size());
        Map<Long, Integer> sizes = new HashMap<>();
        AuditRecord previous = null;
        long runId = Long.MIN_VALUE;
        for (AuditRecord r : source) {
            if (previous != null && same(previous, r)) {
                sizes.merge(runId, 1, Integer::sum);
                if (expanded.contains(runId)) {
                    out.add(r);
                }
            } else {
                runId = r.id();
                sizes.put(runId, 1);
                out.add(r);
            }
            previous = r;
        }
        sizes.forEach((id, n) -> {
            if (n > 1) {
                runs.computeIfAbsent(id, k -> new ReadOnlyIntegerWrapper()).set(n);
            }
        });
        runs.keySet().removeIf(id -> sizes.getOrDefault(id, 1) < 2);
        expanded.retainAll(runs.keySet());
        lastSource = previous;
        lastRunId = runId;
        shown.setAll(out);
    }
}
