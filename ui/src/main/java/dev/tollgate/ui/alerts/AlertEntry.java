package dev.tollgate.ui.alerts;

import dev.tollgate.ui.live.Reason;
import java.time.Instant;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.EnumMap;
import java.util.LinkedHashSet;
import java.util.Locale;
import java.util.Map;
import java.util.OptionalLong;
import java.util.Set;
import javafx.beans.property.BooleanProperty;
import javafx.beans.property.IntegerProperty;
import javafx.beans.property.SimpleBooleanProperty;
import javafx.beans.property.SimpleIntegerProperty;
import javafx.beans.property.SimpleStringProperty;
import javafx.beans.property.StringProperty;

/**
 * One incident: a storm of blocked calls (and loop-breaker trips) of one agent on one tool, with no quiet gap
 * longer than {@link AlertsViewModel#QUIET}. It counts the blocked calls by cause, the calls of the same pair
 * that reached the server around it, and the conversations involved, and updates as the storm goes on.
 */
public final class AlertEntry {
    private static final DateTimeFormatter CLOCK =
            DateTimeFormatter.ofPattern("HH:mm:ss").withZone(ZoneId.systemDefault());

    /** What opened the incident. */
    public enum Kind {
        BLOCKED,
        LOOP_BREAKER
    }

    private final Kind kind;
    private final String agentId;
    private final String tool;
    private final Instant firstAt;
    private Instant windowStart;
    private Instant lastAt;
    private OptionalLong lastRecordId = OptionalLong.empty();
    private boolean notified;
    private final Map<Reason, Integer> blockedByCause = new EnumMap<>(Reason.class);
    private int reached;
    private int trips;
    private String tripText = "";
    private String firstBlock = "";
    private final Set<String> conversations = new LinkedHashSet<>();
    private boolean changed;
    private final IntegerProperty count = new SimpleIntegerProperty();
    private final StringProperty message = new SimpleStringProperty();
    private final BooleanProperty acknowledged = new SimpleBooleanProperty();

    AlertEntry(Kind kind, String agentId, String tool, Instant at) {
        this.kind = kind;
        this.agentId = agentId;
        this.tool = tool;
        this.firstAt = at;
        this.windowStart = at;
        this.lastAt = at;
    }

    public Kind kind() {
        return kind;
    }

    public String agentId() {
        return agentId;
    }

    public String tool() {
        return tool;
    }

    public Instant firstAt() {
        return firstAt;
    }
    /** Where the incident's calls start: its first block, or the first call that reached the server before it. */
    public Instant windowStart() {
        return windowStart;
    }

    public Instant lastAt() {
        return lastAt;
    }
    /** The newest blocked call of the incident; empty when only breaker trips were seen. */
    public OptionalLong lastRecordId() {
        return lastRecordId;
    }

    public IntegerProperty countProperty() {
        return count;
    }

    public StringProperty messageProperty() {
        return message;
    }

    public BooleanProperty acknowledgedProperty() {
        return acknowledged;
    }
    /** Blocked calls so far. */
    public int count() {
        return count.get();
    }

    public String message() {
        return message.get();
    }
    /** Blocked calls by cause (rule, limit, breaker, …). */
    public Map<Reason, Integer> blockedByCause() {
        return Map.copyOf(blockedByCause);
    }
    /** Calls of the same agent and tool that were allowed, so reached the server, during the storm. */
    public int reachedServer() {
        return reached;
    }

    public Set<String> conversations() {
        return Set.copyOf(conversations);
    }

    void blocked(Instant at, long recordId, Reason cause, String rule, String conversation) {
        if (blockedByCause.isEmpty()) {
            firstBlock = rule;
        }
        blockedByCause.merge(cause, 1, Integer::sum);
        lastRecordId = OptionalLong.of(recordId);
        extend(at, conversation);
    }

    void reached(Instant at, String conversation) {
        reached++;
        if (at.isBefore(windowStart)) {
            windowStart = at;
        }
        if (!conversation.isEmpty()) {
            conversations.add(conversation);
        }
        changed = true;
    }

    void tripped(Instant at, String text) {
        trips++;
        tripText = text;
        extend(at, "");
    }

    private void extend(Instant at, String conversation) {
        if (at.isAfter(lastAt)) {
            lastAt = at;
        }
        if (!conversation.isEmpty()) {
            conversations.add(conversation);
        }
        changed = true;
    }

    int blockedTotal() {
        return blockedByCause.values().stream().mapToInt(Integer::intValue).sum();
    }

    /** Updates the properties once per event batch; returns whether anything changed. */
    boolean publish() {
        if (!changed) {
            return false;
        }
        changed = false;
        count.set(blockedTotal());
        message.set(describe());
        acknowledged.set(false);
        return true;
    }

    private String describe() {
        int blocked = blockedTotal();
        if (blocked == 0) {
            return tripText;
        }
        if (blocked == 1 && reached == 0 && trips == 0) {
            return tool + " blocked for " + agentId + ": " + firstBlock;
        }
        StringBuilder causes = new StringBuilder();
        blockedByCause.forEach((cause, n) -> causes.append(causes.length() == 0 ? "" : ", ")
                .append(cause.label())
                .append(' ')
                .append(n));
        String when = CLOCK.format(windowStart) + "–" + CLOCK.format(lastAt);
        return String.format(
                Locale.ROOT,
                "%s · %s: %d blocked (%s) · %d reached the server · %s%s",
                agentId,
                tool,
                blocked,
                causes,
                reached,
                when,
                conversations.isEmpty() ? "" : " · " + String.join(", ", conversations));
    }

    boolean notified() {
        return notified;
    }

    void markNotified() {
        notified = true;
    }
}
