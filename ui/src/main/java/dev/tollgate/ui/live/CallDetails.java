package dev.tollgate.ui.live;

import dev.tollgate.audit.AuditRecord;
import dev.tollgate.json.Json;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.Locale;

/** Formats one audit record for the detail pane: decision and its rule's source line, timing, identity, JSON. */
public final class CallDetails {
    public static final DateTimeFormatter TIME =
            DateTimeFormatter.ofPattern("HH:mm:ss.SSS").withZone(ZoneId.systemDefault());
    public static final DateTimeFormatter DATE_TIME =
            DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss.SSS").withZone(ZoneId.systemDefault());

    private static final DateTimeFormatter DAY_TIME =
            DateTimeFormatter.ofPattern("MMM d HH:mm:ss", Locale.ENGLISH).withZone(ZoneId.systemDefault());
    private static final DateTimeFormatter OLD =
            DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm").withZone(ZoneId.systemDefault());

    private CallDetails() {}

    /**
     * The table's time: the time of day (to the millisecond) for a call of {@code today}, the day and time for
     * one of this year, the date for older ones; the full date and time is the cell's tooltip and the detail pane's.
     */
    public static String shortTime(Instant at, LocalDate today) {
        ZonedDateTime local = at.atZone(ZoneId.systemDefault());
        if (local.toLocalDate().equals(today)) {
            return TIME.format(at);
        }
        return local.getYear() == today.getYear() ? DAY_TIME.format(at) : OLD.format(at);
    }

    public static String describe(AuditRecord r) {
        StringBuilder sb = new StringBuilder();
        sb.append(r.qualifiedTool()).append("  #").append(r.id()).append('\n');
        sb.append("Decision:   ")
                .append(r.decision().toUpperCase(Locale.ROOT))
                .append(" by ")
                .append(r.rule());
        r.ruleSource().ifPresent(s -> sb.append("  (").append(s).append(')'));
        sb.append('\n');
        if (!r.reason().isBlank()) {
            sb.append("Reason:     ").append(r.reason()).append('\n');
        }
        sb.append("Status:     ")
                .append(r.blocked() ? "— (blocked: never sent to the server)" : r.status())
                .append('\n');
        sb.append("Time:       ").append(DATE_TIME.format(r.timestamp())).append('\n');
        sb.append("Latency:    ")
                .append(String.format(Locale.ROOT, "%.1f ms", r.latencyMs()))
                .append("   response ")
                .append(r.responseSize())
                .append(" bytes\n");
        sb.append("Agent:      ").append(r.agentId()).append('\n');
        sb.append("User:       ").append(r.user().orElse("—")).append('\n');
        sb.append("Session:    ").append(r.sessionId()).append('\n');
        sb.append("Conversation: ").append(r.conversationId().orElse("—")).append('\n');
        sb.append("\nArguments\n").append(Json.pretty(r.arguments())).append('\n');
        sb.append("\nResult\n")
                .append(r.result().map(Json::pretty).orElse("(none recorded)"))
                .append('\n');
        sb.append("\nHash ")
                .append(r.hash())
                .append("\n  ← ")
                .append(r.prevHash())
                .append('\n');
        return sb.toString();
    }
}
