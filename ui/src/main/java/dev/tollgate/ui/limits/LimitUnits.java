package dev.tollgate.ui.limits;

import java.time.Duration;

/** Counting in a limit's own unit: sums over the trailing unit, and the unit's name. */
final class LimitUnits {
    private LimitUnits() {}

    /** Sums a per-second rate over the trailing {@code unit}, so a 10/min limit reads against calls per minute. */
    static double[] trailing(double[] perSecond, Duration bucket, Duration unit) {
        double bucketSeconds = bucket.toMillis() / 1000.0;
        int window = (int) Math.max(1, Math.round(unit.toMillis() / (double) bucket.toMillis()));
        double scale = unit.toMillis() / (double) (window * bucket.toMillis());
        double[] out = new double[perSecond.length];
        double sum = 0;
        for (int i = 0; i < perSecond.length; i++) {
            sum += perSecond[i] * bucketSeconds;
            if (i >= window) {
                sum -= perSecond[i - window] * bucketSeconds;
            }
            out[i] = Math.max(0, sum) * scale;
        }
        return out;
    }

    /** How the unit reads on the axis: "minute" for a 10/min limit. */
    static String name(Duration unit) {
        if (unit.equals(Duration.ofSeconds(1))) {
            return "second";
        }
        if (unit.equals(Duration.ofMinutes(1))) {
            return "minute";
        }
        if (unit.equals(Duration.ofHours(1))) {
            return "hour";
        }
        return unit.equals(Duration.ofDays(1)) ? "day" : unit.toSeconds() + " s";
    }
}
