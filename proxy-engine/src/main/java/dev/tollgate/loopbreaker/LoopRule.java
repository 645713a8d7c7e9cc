package dev.tollgate.loopbreaker;

import java.time.Duration;

/**
 * More than {@code maxRepeats} identical calls within {@code window} is a loop; the repeated call is
 * then blocked for {@code coolDown}. {@code source} is the {@code file:line} it was configured at.
 */
public record LoopRule(int maxRepeats, Duration window, Duration coolDown, String source) {
    public static final int DEFAULT_MAX_REPEATS = 5;
    public static final Duration DEFAULT_WINDOW = Duration.ofSeconds(60);

    /** The breaker that applies when the configuration says nothing: 5 repeats in 60 s. */
    public static LoopRule defaults() {
        return new LoopRule(DEFAULT_MAX_REPEATS, DEFAULT_WINDOW, DEFAULT_WINDOW, "built-in default");
    }

    public String describe() {
        return "loop breaker: more than " + maxRepeats + " identical calls in " + human(window);
    }

    static String human(Duration d) {
        if (d.toMillis() % 60_000 == 0 && !d.isZero()) {
            return d.toMinutes() + " min";
        }
        if (d.toMillis() % 1_000 == 0) {
            return d.toSeconds() + " s";
        }
        return d.toMillis() + " ms";
    }
}
