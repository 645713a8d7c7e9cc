package dev.tollgate.ui.agents;

import dev.tollgate.audit.AuditQuery;
import dev.tollgate.engine.Engine;
import dev.tollgate.engine.UpstreamStatus;
import dev.tollgate.events.EngineEvent;
import dev.tollgate.ui.HistoryRange;
import dev.tollgate.ui.fx.Background;
import dev.tollgate.ui.fx.Latest;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalInt;
import java.util.TreeMap;
import javafx.beans.property.ObjectProperty;
import javafx.beans.property.ReadOnlyBooleanProperty;
import javafx.beans.property.ReadOnlyBooleanWrapper;
import javafx.beans.property.ReadOnlyStringProperty;
import javafx.beans.property.ReadOnlyStringWrapper;
import javafx.beans.property.SimpleObjectProperty;
import javafx.collections.FXCollections;
import javafx.collections.ObservableList;

/** Agents and servers: which tools each agent used, never used and saw failing, with counts and error rates. */
public final class AgentsViewModel {
    private record Counted(List<UsageRow> rows, List<UpstreamStatus> upstreams, long total) {}

    private final Engine engine;
    private final Latest queries;
    private final ObservableList<UsageRow> rows = FXCollections.observableArrayList();
    private final ObservableList<UpstreamStatus> upstreams = FXCollections.observableArrayList();
    private final ObjectProperty<HistoryRange> range = new SimpleObjectProperty<>(HistoryRange.DAY);
    private final ObjectProperty<UsageRow> selected = new SimpleObjectProperty<>();
    private final ObservableList<UsageRow.ToolUsage> tools = FXCollections.observableArrayList();
    private final ReadOnlyStringWrapper message = new ReadOnlyStringWrapper("");
    private final ReadOnlyBooleanWrapper counting = new ReadOnlyBooleanWrapper(false);

    public AgentsViewModel(Engine engine, Background background) {
        this.engine = engine;
        this.queries = new Latest(background);
        range.addListener((o, was, now) -> refresh());
        selected.addListener((o, was, now) -> tools.setAll(now == null ? List.of() : now.tools()));
    }

    public ObservableList<UsageRow> rows() {
        return rows;
    }

    public ObservableList<UpstreamStatus> upstreams() {
        return upstreams;
    }

    public ObjectProperty<HistoryRange> rangeProperty() {
        return range;
    }

    public ObjectProperty<UsageRow> selectedProperty() {
        return selected;
    }

    public ObservableList<UsageRow.ToolUsage> tools() {
        return tools;
    }

    public ReadOnlyStringProperty messageProperty() {
        return message.getReadOnlyProperty();
    }
    /** True from a refresh until its count is published, so empty tables say "Counting…" rather than "none". */
    public ReadOnlyBooleanProperty countingProperty() {
        return counting.getReadOnlyProperty();
    }

    /** Keeps the servers table truthful: an upstream that changed state is shown as it is now. */
    public void onEvents(List<EngineEvent> batch) {
        if (batch.stream().anyMatch(e -> e instanceof EngineEvent.UpstreamStateChanged)) {
            upstreams.setAll(engine.upstreams());
        }
    }

    /** Recounts the range from the store in the background (a streaming scan, never a full load). */
    public void refresh() {
        AuditQuery query = range.get().query(Instant.now()).build();
        message.set("Counting…");
        counting.set(true);
        queries.run(
                () -> {
                    List<UpstreamStatus> up = engine.upstreams();
                    Map<String, Integer> toolCounts = new HashMap<>();
                    up.forEach(u -> toolCounts.put(u.server(), u.toolCount()));
                    Map<String, Map<String, long[]>> byPair = new TreeMap<>();
                    Map<String, Map<String, Instant>> last = new HashMap<>();
                    long[] total = new long[1];
                    engine.audit().scan(query, rec -> {
                        total[0]++;
                        String pair = rec.agentId() + "\u0000" + rec.server();
                        long[] c = byPair.computeIfAbsent(pair, k -> new TreeMap<>())
                                .computeIfAbsent(rec.tool(), k -> new long[3]);
                        c[0]++;
                        if (!rec.blocked() && !"success".equals(rec.status())) {
                            c[1]++;
                        }
                        if (rec.blocked()) {
                            c[2]++;
                        }
                        last.computeIfAbsent(pair, k -> new HashMap<>())
                                .merge(rec.tool(), rec.timestamp(), (a, b) -> a.isAfter(b) ? a : b);
                    });
                    List<UsageRow> out = new ArrayList<>();
                    byPair.forEach((pair, byTool) -> {
                        String[] p = pair.split("\u0000", 2);
                        List<UsageRow.ToolUsage> usage = new ArrayList<>();
                        long calls = 0;
                        long errors = 0;
                        long blocked = 0;
                        for (Map.Entry<String, long[]> t : byTool.entrySet()) {
                            long[] c = t.getValue();
                            usage.add(new UsageRow.ToolUsage(
                                    t.getKey(), c[0], c[1], c[2], last.get(pair).get(t.getKey())));
                            calls += c[0];
                            errors += c[1];
                            blocked += c[2];
                        }
                        usage.sort(Comparator.comparingLong(UsageRow.ToolUsage::calls)
                                .reversed());
                        Integer available = toolCounts.get(p[1]);
                        out.add(new UsageRow(
                                p[0],
                                p[1],
                                calls,
                                errors,
                                blocked,
                                usage,
                                available == null ? OptionalInt.empty() : OptionalInt.of(available)));
                    });
                    return new Counted(out, up, total[0]);
                },
                counted -> {
                    rows.setAll(counted.rows());
                    upstreams.setAll(counted.upstreams());
                    message.set(counted.total() + " calls in range");
                    counting.set(false);
                },
                e -> {
                    message.set("Could not count: " + e.getMessage());
                    counting.set(false);
                });
    }
}
