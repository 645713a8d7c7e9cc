package dev.tollgate.ui.limits;

import dev.tollgate.audit.AuditRecord;
import dev.tollgate.ratelimit.BucketLevel;
import dev.tollgate.ratelimit.Rate;
import dev.tollgate.ui.live.Reason;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.BiFunction;

/**
 * The token bucket of the limit charted for a pair, as tokens in use (in the limit's own unit: a 10/min bucket
 * that is empty reads 10, the limit line). Live, it is the engine's own bucket, sampled once a second for the
 * last {@link LimitsViewModel#POINTS} seconds; over a range from the store it is replayed from the pair's recorded
 * calls, the bucket full at the range's start.
 */
final class BucketTrace {
    private final BiFunction<String, String, List<BucketLevel>> levels;
    /** Per pair, tokens in use by second (slot = second mod POINTS), and which second each slot holds. */
    private final Map<String, double[]> inUse = new HashMap<>();

    private final Map<String, long[]> seconds = new HashMap<>();

    /** {@code levels} asks the engine for an agent's and tool's buckets (the engine's limitLevels). */
    BucketTrace(BiFunction<String, String, List<BucketLevel>> levels) {
        this.levels = levels;
    }

    /** Samples the bucket of {@code limit} (its name) for the pair {@code key} at {@code now}. */
    void sample(String key, String agent, String tool, String limit, Instant now) {
        for (BucketLevel level : levels.apply(agent, tool)) {
            if (level.limit().equals(limit)) {
                int points = LimitsViewModel.POINTS;
                long second = now.getEpochSecond();
                int slot = (int) Math.floorMod(second, (long) points);
                inUse.computeIfAbsent(key, k -> new double[points])[slot] = level.inUseAt(now);
                seconds.computeIfAbsent(key, k -> new long[points])[slot] = second;
            }
        }
    }

    /** The live samples from {@code startSecond} on, one per second; NaN where there is none. */
    double[] live(String key, long startSecond) {
        int points = LimitsViewModel.POINTS;
        double[] out = new double[points];
        Arrays.fill(out, Double.NaN);
        double[] values = inUse.get(key);
        long[] at = seconds.get(key);
        if (values == null) {
            return out;
        }
        for (int i = 0; i < points; i++) {
            long second = startSecond + i;
            int slot = (int) Math.floorMod(second, (long) points);
            if (at[slot] == second) {
                out[i] = values[slot];
            }
        }
        return out;
    }

    /**
     * Replays the bucket from the pair's calls in time order: a call the limit let through takes a token (so does
     * one the loop breaker stopped after it, since the limit runs first), a call the limit refused finds it empty,
     * a rule's block never reaches it. Each point holds the fullest the bucket was in it, so a refusal reads as the
     * limit even on a long range.
     */
    static double[] replay(List<AuditRecord> calls, Rate rate, Instant from, Duration bucket, int points) {
        double perNano = rate.count() / (double) rate.period().toNanos();
        double[] out = new double[points];
        double used = 0;
        Instant last = from;
        int call = 0;
        for (int i = 0; i < points; i++) {
            Instant end = from.plus(bucket.multipliedBy(i + 1));
            double peak = 0;
            while (call < calls.size() && calls.get(call).timestamp().isBefore(end)) {
                AuditRecord r = calls.get(call++);
                used = drain(used, last, r.timestamp(), perNano);
                last = r.timestamp();
                Reason reason = Reason.of(r);
                if (reason == Reason.LIMIT) {
                    used = rate.burst();
                } else if (!r.blocked() || reason == Reason.BREAKER) {
                    used = Math.min(rate.burst(), used + 1);
                }
                peak = Math.max(peak, used);
            }
            used = drain(used, last, end, perNano);
            last = end;
            out[i] = Math.max(peak, used);
        }
        return out;
    }

    private static double drain(double used, Instant from, Instant to, double perNano) {
        return Math.max(0, used - Math.max(0, Duration.between(from, to).toNanos()) * perNano);
    }
}
