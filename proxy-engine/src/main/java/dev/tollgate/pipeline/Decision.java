package dev.tollgate.pipeline;

import java.time.Duration;
import java.util.Optional;

/**
 * What the chain decided and why: the rule, limit or breaker that decided, its source
 * ({@code file:line}) when it has one, a human sentence, and when to retry for limits.
 */
public record Decision(
        Verdict verdict,
        BlockReason reason,
        String rule,
        Optional<String> source,
        String message,
        Optional<Duration> retryAfter) {

    public static Decision allowed(String rule, Optional<String> source) {
        return new Decision(Verdict.ALLOWED, BlockReason.NONE, rule, source, "allowed by " + rule, Optional.empty());
    }

    public static Decision blocked(BlockReason reason, String rule, Optional<String> source, String message) {
        return new Decision(Verdict.BLOCKED, reason, rule, source, message, Optional.empty());
    }

    public static Decision limited(
            BlockReason reason, String rule, Optional<String> source, String message, Duration retryAfter) {
        return new Decision(Verdict.BLOCKED, reason, rule, source, message, Optional.of(retryAfter));
    }

    public boolean isBlocked() {
        return verdict == Verdict.BLOCKED;
    }
}
