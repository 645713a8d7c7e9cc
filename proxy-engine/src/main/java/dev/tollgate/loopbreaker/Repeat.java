package dev.tollgate.loopbreaker;

import java.time.Duration;

/** What a {@link RepeatWindow} made of one call; {@code blockedFor} is the wait for a refused call. */
public record Repeat(State state, Duration blockedFor) {
    public static final Repeat PASSED = new Repeat(State.PASSED, Duration.ZERO);

    /** Passed; tripped the breaker (this call was one too many); or refused while the breaker cools down. */
    public enum State {
        PASSED,
        TRIPPED,
        COOLING_DOWN
    }

    public static Repeat tripped(Duration coolDown) {
        return new Repeat(State.TRIPPED, coolDown);
    }

    public static Repeat coolingDown(Duration remaining) {
        return new Repeat(State.COOLING_DOWN, remaining);
    }
}
