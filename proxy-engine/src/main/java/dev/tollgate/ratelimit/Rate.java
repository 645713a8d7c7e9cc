package dev.tollgate.ratelimit;

import java.time.Duration;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A token-bucket rate: {@code count} calls per {@code period}, refilled evenly, with room for
 * {@code burst} calls at once (the bucket size; the count unless configured otherwise).
 */
public record Rate(long count, Duration period, long burst) {
    private static final Pattern FORM =
            Pattern.compile("\\s*(\\d+)\\s*/\\s*(\\d+\\s*)?(ms|s|sec|second|m|min|minute|h|hour|d|day)s?\\s*");

    public Rate {
        if (count <= 0 || burst <= 0 || period.isZero() || period.isNegative()) {
            throw new IllegalArgumentException("a rate needs a positive count, burst and period");
        }
    }

    /** Parses {@code 200/min}, {@code 10/s}, {@code 1000/h}, {@code 5/10s}; the burst equals the count. */
    public static Rate parse(String text) {
        Matcher m = FORM.matcher(text.toLowerCase(Locale.ROOT));
        if (!m.matches()) {
            throw new IllegalArgumentException("expected a rate like 200/min, 10/s or 1000/h, got '" + text + "'");
        }
        long count = Long.parseLong(m.group(1));
        long units = m.group(2) == null ? 1 : Long.parseLong(m.group(2).strip());
        Duration unit = switch (m.group(3)) {
            case "ms" -> Duration.ofMillis(1);
            case "s", "sec", "second" -> Duration.ofSeconds(1);
            case "m", "min", "minute" -> Duration.ofMinutes(1);
            case "h", "hour" -> Duration.ofHours(1);
            default -> Duration.ofDays(1);
        };
        if (count <= 0 || units <= 0) {
            throw new IllegalArgumentException("a rate must allow at least one call per period, got '" + text + "'");
        }
        return new Rate(count, unit.multipliedBy(units), count);
    }

    public Rate withBurst(long newBurst) {
        return new Rate(count, period, newBurst);
    }

    /** The time one call's token takes to refill. */
    public long intervalNanos() {
        return Math.max(1, period.toNanos() / count);
    }

    /** How people read it back: {@code 10/min}, with the burst when it differs from the count. */
    @Override
    public String toString() {
        String unit;
        if (period.equals(Duration.ofSeconds(1))) {
            unit = "s";
        } else if (period.equals(Duration.ofMinutes(1))) {
            unit = "min";
        } else if (period.equals(Duration.ofHours(1))) {
            unit = "h";
        } else if (period.equals(Duration.ofDays(1))) {
            unit = "day";
        } else {
            unit = period.toMillis() + "ms";
        }
        return count + "/" + unit + (burst == count ? "" : " burst " + burst);
    }
}
