package dev.tollgate.upstream;

import java.time.Duration;
import java.time.Instant;

/** How error texts tell the agent when to try again: "retry in N s", rounded up, never less than 1. */
final class RetryHint {
    private RetryHint() {}

    static String at(Instant when) {
        long millis = Duration.between(Instant.now(), when).toMillis();
        return "retry in " + Math.max(1, (millis + 999) / 1000) + " s";
    }
}
