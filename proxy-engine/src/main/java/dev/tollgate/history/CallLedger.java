package dev.tollgate.history;

import dev.tollgate.audit.AuditQuery;
import dev.tollgate.audit.AuditRecord;
import dev.tollgate.audit.AuditStore;
import dev.tollgate.pipeline.ToolCall;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.function.BiConsumer;
import tools.jackson.databind.JsonNode;

/**
 * The live {@link CallHistory}: running tallies per session and per conversation, in memory, the least recently
 * used dropped beyond a bound. A session or conversation seen for the first time (or again after being dropped, or
 * after a restart) is first filled from its allowed calls in the audit store, so forgetting never loosens a rule.
 */
public final class CallLedger implements CallHistory {
    /** Tallies kept in memory at most; beyond this the least recently used are re-read from the store when needed. */
    public static final int DEFAULT_CAPACITY = 20_000;

    private static final int SEED_LIMIT = 1_000_000;

    /** Which kind of grouping a tally belongs to. */
    public enum Scope {
        SESSION,
        CONVERSATION
    }

    private record Key(Scope scope, String id) {}

    /** Fills a new tally with the calls recorded before this process knew the key. */
    @FunctionalInterface
    public interface Seed {
        void fill(Scope scope, String id, BiConsumer<String, JsonNode> add);
    }

    /** Seeds nothing: history starts empty (tests, previews that feed every call themselves). */
    public static final Seed NO_SEED = (scope, id, add) -> {};

    private final Seed seed;
    private final Map<Key, Tally> tallies;

    public CallLedger(Seed seed, int capacity) {
        this.seed = seed;
        this.tallies = new LinkedHashMap<>(256, 0.75f, true) {
            @Override
            protected boolean removeEldestEntry(Map.Entry<Key, Tally> eldest) {
                return size() > capacity;
            }
        };
    }

    /** A ledger that seeds from the allowed calls in {@code store}. */
    public static CallLedger seededFrom(AuditStore store) {
        return new CallLedger(
                (scope, id, add) -> {
                    AuditQuery.Builder query =
                            AuditQuery.builder().decision("allowed").limit(SEED_LIMIT);
                    if (scope == Scope.SESSION) {
                        query.session(id);
                    } else {
                        query.conversation(id);
                    }
                    for (AuditRecord record : store.query(query.build())) {
                        add.accept(record.qualifiedTool(), record.arguments());
                    }
                },
                DEFAULT_CAPACITY);
    }

    /** Adds an allowed call (with its arguments as recorded) to its session's and conversation's tallies. */
    public void record(String sessionId, Optional<String> conversationId, String tool, JsonNode arguments) {
        tally(new Key(Scope.SESSION, sessionId)).add(tool, arguments);
        conversationId.ifPresent(c -> tally(new Key(Scope.CONVERSATION, c)).add(tool, arguments));
    }

    @Override
    public HistoryView session(ToolCall call) {
        return lazy(new Key(Scope.SESSION, call.sessionId()));
    }

    @Override
    public HistoryView conversation(ToolCall call) {
        return call.conversationId()
                .map(c -> lazy(new Key(Scope.CONVERSATION, c)))
                .orElse(HistoryView.EMPTY);
    }

    /** Looks the tally up only when a condition actually asks, so conditions without history functions cost nothing. */
    private HistoryView lazy(Key key) {
        return new HistoryView() {
            @Override
            public long count(String tool) {
                return tally(key).count(tool);
            }

            @Override
            public double sum(String tool, String argument) {
                return tally(key).sum(tool, argument);
            }
        };
    }

    private Tally tally(Key key) {
        synchronized (tallies) {
            Tally known = tallies.get(key);
            if (known != null) {
                return known;
            }
        }
        // Read the store outside the lock: other sessions' calls must not wait for this one's seed.
        Tally fresh = new Tally();
        seed.fill(key.scope(), key.id(), fresh::add);
        synchronized (tallies) {
            return tallies.computeIfAbsent(key, k -> fresh);
        }
    }
}
