package dev.tollgate.ratelimit;

import java.time.Duration;

/** Whether a bucket had a token, and if not, how long until it will. */
public record Acquisition(boolean granted, Duration retryAfter) {
    public static final Acquisition GRANTED = new Acquisition(true, Duration.ZERO);

    public static Acquisition refused(Duration retryAfter) {
        return new Acquisition(false, retryAfter);
    }
}
