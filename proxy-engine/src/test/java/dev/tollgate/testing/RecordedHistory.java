package dev.tollgate.testing;

import dev.tollgate.audit.AuditRecord;
import dev.tollgate.audit.AuditUnavailableException;
import dev.tollgate.audit.JdbcAuditStore;
import dev.tollgate.json.Json;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/** Recorded call history for previews and investigations: finished audit records appended in bulk. */
public final class RecordedHistory {
    /** The seed agents' everyday traffic, one (agent, tool) pair per call in turn. */
    public static final List<String[]> SEED_TRAFFIC = List.of(
            new String[] {"billing-agent", "crm.getAccount"},
            new String[] {"billing-agent", "payments.getHistory"},
            new String[] {"billing-agent", "payments.issueRefund"},
            new String[] {"support-agent", "crm.getAccount"},
            new String[] {"support-agent", "tickets.create"},
            new String[] {"onboarding-agent", "calendar.schedule"},
            new String[] {"onboarding-agent", "crm.updateAccount"});

    private RecordedHistory() {}

    /** A finished call as the audit store keeps it. */
    public static AuditRecord record(
            Instant at, String agent, String tool, String argumentsJson, String decision, String rule) {
        int dot = tool.indexOf('.');
        return new AuditRecord(
                0,
                at,
                agent,
                "s-" + agent,
                Optional.empty(),
                tool.substring(0, dot),
                tool.substring(dot + 1),
                Json.parse(argumentsJson),
                decision,
                rule,
                Optional.empty(),
                decision + " by " + rule,
                "success",
                3.0,
                120,
                Optional.empty(),
                Optional.empty(),
                "",
                "");
    }

    /**
     * Appends {@code total} allowed calls of {@link #SEED_TRAFFIC}, one a second from {@code start}, each
     * with its own order id; returns how many of them were {@code payments.issueRefund}.
     */
    public static long appendSeedTraffic(JdbcAuditStore store, Instant start, int total)
            throws AuditUnavailableException {
        long refunds = 0;
        List<AuditRecord> batch = new ArrayList<>();
        for (int i = 0; i < total; i++) {
            String[] call = SEED_TRAFFIC.get(i % SEED_TRAFFIC.size());
            refunds += call[1].equals("payments.issueRefund") ? 1 : 0;
            batch.add(record(
                    start.plusSeconds(i),
                    call[0],
                    call[1],
                    "{\"orderId\": \"o-" + i + "\", \"amount\": " + (10 + i % 90) + "}",
                    "allowed",
                    "role everyone allow *"));
            if (batch.size() == 5_000) {
                store.appendCompleted(batch);
                batch.clear();
            }
        }
        store.appendCompleted(batch);
        return refunds;
    }
}
