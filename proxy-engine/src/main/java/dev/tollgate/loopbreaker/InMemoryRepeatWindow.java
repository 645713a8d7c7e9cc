package dev.tollgate.loopbreaker;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/** Recent repeats in this process's memory; a key whose window and cool-down are over is forgotten as the map grows. */
public final class InMemoryRepeatWindow implements RepeatWindow {
    private static final int PRUNE_ABOVE = 50_000;

    private final ConcurrentHashMap<String, Track> tracks = new ConcurrentHashMap<>();
    private final AtomicInteger pruneAbove = new AtomicInteger(PRUNE_ABOVE);

    private static final class Track {
        final ArrayDeque<Instant> recent = new ArrayDeque<>();
        Instant blockedUntil = Instant.MIN;
        Instant forgettableAfter = Instant.MIN;
        boolean forgotten;
    }

    @Override
    public Repeat record(String key, LoopRule rule, Instant now) {
        Repeat repeat;
        do {
            repeat = record(tracks.computeIfAbsent(key, k -> new Track()), rule, now);
        } while (repeat == null);
        int threshold = pruneAbove.get();
        if (tracks.size() > threshold && pruneAbove.compareAndSet(threshold, Integer.MAX_VALUE)) {
            prune(now);
            pruneAbove.set(Math.max(PRUNE_ABOVE, tracks.size() * 2));
        }
        return repeat;
    }

    /** Null when the track was pruned between lookup and lock, so the caller looks it up again. */
    private static Repeat record(Track track, LoopRule rule, Instant now) {
        synchronized (track) {
            if (track.forgotten) {
                return null;
            }
            if (now.isBefore(track.blockedUntil)) {
                return Repeat.coolingDown(Duration.between(now, track.blockedUntil));
            }
            track.forgettableAfter = now.plus(rule.window());
            Instant windowStart = now.minus(rule.window());
            while (!track.recent.isEmpty() && !track.recent.peekFirst().isAfter(windowStart)) {
                track.recent.pollFirst();
            }
            if (track.recent.size() >= rule.maxRepeats()) {
                track.recent.clear();
                track.blockedUntil = now.plus(rule.coolDown());
                track.forgettableAfter = track.blockedUntil;
                return Repeat.tripped(rule.coolDown());
            }
            track.recent.addLast(now);
            return Repeat.PASSED;
        }
    }

    /** Forgets calls whose window and cool-down are over; runs when the map has doubled, so it costs O(1) a call. */
    private void prune(Instant now) {
        tracks.values().removeIf(t -> {
            synchronized (t) {
                t.forgotten = t.forgettableAfter.isBefore(now);
                return t.forgotten;
            }
        });
    }
}
