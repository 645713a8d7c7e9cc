package dev.tollgate.sample.history;

import static dev.tollgate.sample.history.SampleWorld.POLICY;
import static dev.tollgate.sample.history.SampleWorld.allowRule;
import static dev.tollgate.sample.history.SampleWorld.record;
import static dev.tollgate.sample.history.SampleWorld.text;

import dev.tollgate.audit.AuditRecord;
import dev.tollgate.json.Json;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.SplittableRandom;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * billing-agent's refund storm, call by call: the same refund retried, paid until the loop breaker (5 identical
 * calls within 1m) opens for 5 minutes, as the engine decides it. Counts what it emitted for the summary.
 */
final class RefundStorm {
    private static final String SESSION = "mcp-7f3a9c2e-storm";
    private final SplittableRandom random;
    private final List<Instant> allowedTimes = new ArrayList<>();
    private Instant breakerOpenUntil = Instant.MIN;
    private long emitted;
    private long allowed;
    private long blocked;
    private long timeouts;

    RefundStorm(SplittableRandom random) {
        this.random = random;
    }

    /** The storm's call at {@code at}: the first times out, later ones are paid until the breaker opens. */
    AuditRecord call(Instant at) {
        long n = emitted++;
        ObjectNode args = Json.object();
        args.put("orderId", "ORD-88412");
        args.put("amount", 249.00);
        args.put("currency", "EUR");
        args.put("reason", "customer dispute, retrying after timeout");
        if (n == 0) {
            timeouts++;
            allowed++;
            // The timed-out first refund is one of the identical calls the breaker counts, as the engine's does.
            allowedTimes.add(at);
            return refund(
                    at,
                    args,
                    "allowed",
                    allowRule("billing", "payments.issueRefund"),
                    Optional.of(POLICY + ":32"),
                    "allowed by role billing",
                    "timeout",
                    30_000.0,
                    0,
                    text("the upstream did not answer within 30 s"));
        }
        allowedTimes.removeIf(t -> t.isBefore(at.minus(Duration.ofMinutes(1))));
        if (at.isBefore(breakerOpenUntil)) {
            blocked++;
            return loopBlocked(at, args);
        }
        if (allowedTimes.size() >= 5) {
            breakerOpenUntil = at.plus(Duration.ofMinutes(5));
            allowedTimes.clear();
            blocked++;
            return loopBlocked(at, args);
        }
        allowedTimes.add(at);
        allowed++;
        return refund(
                at,
                args,
                "allowed",
                allowRule("billing", "payments.issueRefund"),
                Optional.of(POLICY + ":32"),
                "allowed by role billing",
                "success",
                300 + random.nextDouble(200),
                180,
                text("refund RF-" + (700_000 + n) + " issued for ORD-88412 (249.00 EUR)"));
    }

    private AuditRecord loopBlocked(Instant at, JsonNode args) {
        long retryMs = Duration.between(at, breakerOpenUntil).toMillis();
        return refund(
                at,
                args,
                "blocked",
                "loopBreaker: 5 identical calls within 1m",
                Optional.of(POLICY + ":25"),
                "Tollgate blocked payments.issueRefund: billing-agent repeated the same call 5 times within 1m.",
                "error",
                0.2 + random.nextDouble(0.6),
                190,
                text(String.format(
                        Locale.ROOT,
                        "Tollgate blocked payments.issueRefund: billing-agent repeated the "
                                + "same call 5 times within 1m. Retry after %.1f s.",
                        retryMs / 1000.0)));
    }

    /** One of the storm's calls: billing-agent's same refund in its one session and the incident's conversation. */
    private static AuditRecord refund(
            Instant at,
            JsonNode args,
            String decision,
            String rule,
            Optional<String> ruleSource,
            String reason,
            String status,
            double latencyMs,
            long responseSize,
            JsonNode result) {
        return record(
                at,
                "billing-agent",
                SESSION,
                Optional.empty(),
                "payments",
                "issueRefund",
                args,
                decision,
                rule,
                ruleSource,
                reason,
                status,
                latencyMs,
                responseSize,
                Optional.of(HistoryGenerator.INCIDENT_CONVERSATION),
                result);
    }

    // ------------------------------------------------------------------ everyday traffic

    long allowed() {
        return allowed;
    }

    long blocked() {
        return blocked;
    }

    long timeouts() {
        return timeouts;
    }
}
