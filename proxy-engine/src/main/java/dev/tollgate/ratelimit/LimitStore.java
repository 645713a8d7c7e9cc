package dev.tollgate.ratelimit;

import java.time.Instant;

/**
 * Where token buckets live. The in-memory store serves one process; a shared store (Redis) lets several
 * Tollgate instances enforce one limit. Implementations must make {@link #acquire} atomic per key.
 */
public interface LimitStore {
    /** Takes one token from the bucket at {@code key} if it has one at {@code now}; never blocks. */
    Acquisition acquire(String key, Rate rate, Instant now);

    /** Gives back a token taken by {@link #acquire} when a later limit refused the same call. */
    void release(String key, Rate rate);
}
