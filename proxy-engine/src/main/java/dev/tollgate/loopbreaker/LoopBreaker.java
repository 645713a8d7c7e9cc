package dev.tollgate.loopbreaker;

import dev.tollgate.pipeline.BlockReason;
import dev.tollgate.pipeline.Decision;
import dev.tollgate.pipeline.ToolCall;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Remembers, per agent, tool and canonical arguments, when the call was last made. The call that makes
 * more than {@code maxRepeats} within the window trips the breaker: that exact call is refused for
 * the cool-down, while the same tool with other arguments still passes (bursts are the rate limit's job).
 */
public final class LoopBreaker {
    private static final int PRUNE_ABOVE = 50_000;

    private final ConcurrentHashMap<String, Track> tracks = new ConcurrentHashMap<>();
    private final AtomicInteger pruneAbove = new AtomicInteger(PRUNE_ABOVE);

    /** What the breaker made of one call. {@code tripped} is true only for the call that tripped it. */
    public record Verdict(Optional<Decision> refusal, boolean tripped, LoopRule rule) {
        static final Verdict PASS = new Verdict(Optional.empty(), false, LoopRule.defaults());
    }

    private static final class Track {
        final ArrayDeque<Instant> recent = new ArrayDeque<>();
        Instant blockedUntil = Instant.MIN;
        Instant forgettableAfter = Instant.MIN;
        boolean forgotten;
    }

    public Verdict check(ToolCall call, LoopBreakerSettings settings, Instant now) {
        Optional<LoopRule> configured = settings.ruleFor(call.tool().qualified());
        if (configured.isEmpty()) {
            return Verdict.PASS;
        }
        LoopRule rule = configured.get();
        String key = call.agentId() + "|" + call.tool().qualified() + "|" + CanonicalArguments.digest(call.arguments());
        Verdict verdict;
        do {
            verdict = check(tracks.computeIfAbsent(key, k -> new Track()), call, rule, now);
        } while (verdict == null);
        int threshold = pruneAbove.get();
        if (tracks.size() > threshold && pruneAbove.compareAndSet(threshold, Integer.MAX_VALUE)) {
            prune(now);
            pruneAbove.set(Math.max(PRUNE_ABOVE, tracks.size() * 2));
        }
        return verdict;
    }

    /** Null when the track was pruned between lookup and lock, so the caller looks it up again. */
    private static Verdict check(Track track, ToolCall call, LoopRule rule, Instant now) {
        synchronized (track) {
            if (track.forgotten) {
                return null;
            }
            if (now.isBefore(track.blockedUntil)) {
                return new Verdict(Optional.of(refusal(call, rule, Duration.between(now, track.blockedUntil))), false,
                        rule);
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
                return new Verdict(Optional.of(refusal(call, rule, rule.coolDown())), true, rule);
            }
            track.recent.addLast(now);
            return new Verdict(Optional.empty(), false, rule);
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

    private static Decision refusal(ToolCall call, LoopRule rule, Duration retryAfter) {
        String message = "Tollgate stopped a loop: agent " + call.agentId() + " called " + call.tool().qualified()
                + " with the same arguments more than " + rule.maxRepeats() + " times in "
                + LoopRule.human(rule.window()) + " (" + rule.source() + "). Change the arguments or wait.";
        return Decision.limited(BlockReason.LOOP_BREAKER, rule.describe(), Optional.of(rule.source()), message,
                retryAfter);
    }
}
