package dev.tollgate.ratelimit;

import java.time.Duration;

/**
 * Whether a bucket had a token, and if not, how long until it will; {@code fill} is how much of the bucket's burst
 * is in use after this call (0 = full bucket, 1 = empty: the next call waits), for the limit fill gauge.
 */
public record Acquisition(boolean granted, Duration retryAfter, double fill) {

    public static Acquisition granted(double fill) {
        return new Acquisition(true, Duration.ZERO, fill);
    }

    public static Acquisition refused(Duration retryAfter) {
        return new Acquisition(false, retryAfter, 1.0);
    }
}
