package dev.tollgate.upstream;

import java.time.Duration;

/** Doubling delays between reconnect attempts, from {@code first} up to {@code max}; {@link #reset()} after a success. */
final class Backoff {
    private final Duration first;
    private final Duration max;
    private Duration next;

    Backoff(Duration first, Duration max) {
        this.first = first;
        this.max = max.compareTo(first) < 0 ? first : max;
        this.next = first;
    }

    /** The delay before the coming attempt; the one after it is twice as long (at most {@code max}). */
    synchronized Duration next() {
        Duration now = next;
        Duration doubled = next.multipliedBy(2);
        next = doubled.compareTo(max) > 0 ? max : doubled;
        return now;
    }

    synchronized void reset() {
        next = first;
    }
}
