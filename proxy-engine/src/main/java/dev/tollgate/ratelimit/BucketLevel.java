package dev.tollgate.ratelimit;

import java.time.Duration;
import java.time.Instant;

/**
 * How full one token bucket was right after a call drew from it: {@code fill} of its burst in use at {@code at}
 * (0 = every token there, 1 = none left: the next call waits). The bucket refills evenly, so its level at any
 * later instant follows from these, until the next call draws again.
 */
public record BucketLevel(String limit, Rate rate, double fill, Instant at) {

    /** The share of the burst in use at {@code when} (not before {@code at}). */
    public double fillAt(Instant when) {
        long refillAll = rate.intervalNanos() * rate.burst();
        double refilled = Math.max(0, Duration.between(at, when).toNanos()) / (double) refillAll;
        return Math.max(0, fill - refilled);
    }

    /** The tokens in use at {@code when}: in the limit's own unit, so a 10/min limit's full bucket reads 10. */
    public double inUseAt(Instant when) {
        return fillAt(when) * rate.burst();
    }
}
