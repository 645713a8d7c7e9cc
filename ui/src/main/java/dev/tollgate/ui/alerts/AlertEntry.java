package dev.tollgate.ui.alerts;

import java.time.Instant;
import java.util.OptionalLong;
import javafx.beans.property.BooleanProperty;
import javafx.beans.property.IntegerProperty;
import javafx.beans.property.SimpleBooleanProperty;
import javafx.beans.property.SimpleIntegerProperty;
import javafx.beans.property.SimpleStringProperty;
import javafx.beans.property.StringProperty;

/** One alert row: a blocked call or loop-breaker trip, or a burst of them coalesced into one line. */
public final class AlertEntry {
    /** What raised the alert. */
    public enum Kind { BLOCKED, LOOP_BREAKER }

    private final Kind kind;
    private final String agentId;
    private final String tool;
    private final Instant firstAt;
    private Instant lastAt;
    private OptionalLong lastRecordId;
    private Instant lastNotified = Instant.MIN;
    private int total = 1;
    private String pendingMessage;
    private final IntegerProperty count = new SimpleIntegerProperty(1);
    private final StringProperty message = new SimpleStringProperty();
    private final BooleanProperty acknowledged = new SimpleBooleanProperty();

    AlertEntry(Kind kind, String agentId, String tool, Instant at, OptionalLong recordId, String firstMessage) {
        this.kind = kind;
        this.agentId = agentId;
        this.tool = tool;
        this.firstAt = at;
        this.lastAt = at;
        this.lastRecordId = recordId;
        message.set(firstMessage);
    }

    public Kind kind() { return kind; }
    public String agentId() { return agentId; }
    public String tool() { return tool; }
    public Instant firstAt() { return firstAt; }
    public Instant lastAt() { return lastAt; }
    /** The newest call of the burst, where "show call" jumps; empty for loop-breaker trips. */
    public OptionalLong lastRecordId() { return lastRecordId; }
    public IntegerProperty countProperty() { return count; }
    public StringProperty messageProperty() { return message; }
    public BooleanProperty acknowledgedProperty() { return acknowledged; }
    public int count() { return count.get(); }
    public String message() { return message.get(); }

    /** Counts one more call of the burst; the properties change once per batch, in {@link #publish()}. */
    void absorb(Instant at, OptionalLong recordId, String burstMessage) {
        total++;
        if (at.isAfter(lastAt)) {
            lastAt = at;
        }
        if (recordId.isPresent()) {
            lastRecordId = recordId;
        }
        pendingMessage = burstMessage;
    }

    /** How many calls the burst holds, including those not yet published. */
    int total() {
        return total;
    }

    void publish() {
        if (pendingMessage != null) {
            count.set(total);
            message.set(pendingMessage);
            acknowledged.set(false);
            pendingMessage = null;
        }
    }

    Instant lastNotified() { return lastNotified; }

    void notified(Instant at) { lastNotified = at; }
}
