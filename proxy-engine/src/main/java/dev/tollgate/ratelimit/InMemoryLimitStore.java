package dev.tollgate.ratelimit;

import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Token buckets in this process's memory, kept as GCRA state: each key stores only its "theoretical
 * arrival time" (when the bucket will be full again), which is exactly a token bucket with burst. A key
 * whose bucket is full again holds no information and is forgotten when the map has grown.
 */
public final class InMemoryLimitStore implements LimitStore {
    private static final int PRUNE_ABOVE = 50_000;

    private final ConcurrentHashMap<String, Long> fullAt = new ConcurrentHashMap<>();
    private final AtomicInteger pruneAbove = new AtomicInteger(PRUNE_ABOVE);

    @Override
    public Acquisition acquire(String key, Rate rate, Instant now) {
        long nowNanos = epochNanos(now);
        long interval = rate.intervalNanos();
        long tolerance = interval * rate.burst();
        long[] refusedFor = {0};
        long[] fullIn = {0};
        fullAt.compute(key, (k, stored) -> {
            long base = stored == null ? nowNanos : Math.max(stored, nowNanos);
            long next = base + interval;
            if (next - nowNanos > tolerance) {
                refusedFor[0] = next - nowNanos - tolerance;
                return stored;
            }
            fullIn[0] = next - nowNanos;
            return next;
        });
        int threshold = pruneAbove.get();
        if (fullAt.size() > threshold && pruneAbove.compareAndSet(threshold, Integer.MAX_VALUE)) {
            fullAt.values().removeIf(t -> t <= nowNanos);
            pruneAbove.set(Math.max(PRUNE_ABOVE, fullAt.size() * 2));
        }
        return refusedFor[0] > 0
                ? Acquisition.refused(Duration.ofNanos(refusedFor[0]))
                : Acquisition.granted((double) fullIn[0] / tolerance);
    }

    @Override
    public void release(String key, Rate rate) {
        fullAt.computeIfPresent(key, (k, stored) -> stored - rate.intervalNanos());
    }

    private static long epochNanos(Instant t) {
        return Math.addExact(Math.multiplyExact(t.getEpochSecond(), 1_000_000_000L), t.getNano());
    }
}
