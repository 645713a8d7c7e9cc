package dev.tollgate.ui;

import dev.tollgate.audit.AuditQuery;
import java.time.Duration;
import java.time.Instant;

/** How much recorded history a view covers, as offered in its range picker. */
public enum HistoryRange {
    HOUR("Last hour", Duration.ofHours(1)),
    DAY("Last 24 hours", Duration.ofDays(1)),
    WEEK("Last 7 days", Duration.ofDays(7)),
    ALL("All history", Duration.ZERO);

    private final String label;
    private final Duration span;

    HistoryRange(String label, Duration span) {
        this.label = label;
        this.span = span;
    }

    /** A query over every record in this range, newest bound taken at {@code now}. */
    public AuditQuery.Builder query(Instant now) {
        AuditQuery.Builder q = AuditQuery.builder().limit(Integer.MAX_VALUE);
        if (this != ALL) {
            q.from(now.minus(span));
        }
        return q;
    }

    @Override
    public String toString() {
        return label;
    }
}
