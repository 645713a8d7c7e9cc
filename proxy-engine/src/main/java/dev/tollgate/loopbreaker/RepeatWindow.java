package dev.tollgate.loopbreaker;

import java.time.Instant;

/**
 * Where the loop breaker keeps each call's recent repeats and cool-down. The in-memory window serves one
 * process; a shared window (Redis) lets several Tollgate instances see one agent's loop as one. Implementations
 * make {@link #record} atomic per key.
 */
public interface RepeatWindow {
    /** Counts one call under {@code key} at {@code now} and says whether it passes, trips or is cooling down. */
    Repeat record(String key, LoopRule rule, Instant now);
}
