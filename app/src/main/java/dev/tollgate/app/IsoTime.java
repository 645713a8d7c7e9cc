package dev.tollgate.app;

import dev.tollgate.config.Durations;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.format.DateTimeParseException;
import java.util.List;
import java.util.function.Function;

/** The ISO-8601 times every {@code --from}/{@code --to} option takes; without an offset a time is UTC. */
final class IsoTime {
    private static final List<Function<String, Instant>> SHAPES = List.of(
            Instant::parse,
            t -> OffsetDateTime.parse(t).toInstant(),
            t -> ZonedDateTime.parse(t).toInstant(),
            t -> LocalDateTime.parse(t).toInstant(ZoneOffset.UTC),
            t -> LocalDate.parse(t).atStartOfDay().toInstant(ZoneOffset.UTC));

    private IsoTime() {}

    /** A look-back such as {@code 90s}, {@code 15m}, {@code 2h} or {@code 7d}; unreadable is an IllegalArgumentException. */
    static Duration duration(String option, String text) {
        String t = text.trim();
        try {
            if (t.endsWith("d")) {
                return Duration.ofDays(
                        Long.parseLong(t.substring(0, t.length() - 1).trim()));
            }
            return Durations.parse(t);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(
                    option + " must be a duration such as 90s, 15m, 2h or 7d, not '" + text + "'");
        }
    }

    /** Parses {@code text}; an unreadable time is an IllegalArgumentException naming the option. */
    static Instant parse(String option, String text) {
        String t = text.trim();
        for (Function<String, Instant> shape : SHAPES) {
            try {
                return shape.apply(t);
            } catch (DateTimeParseException notThisShape) {
                // the next shape may fit
            }
        }
        throw new IllegalArgumentException(
                option + " must be an ISO-8601 instant such as 2026-11-24T10:00:00Z, not '" + text + "'");
    }
}
