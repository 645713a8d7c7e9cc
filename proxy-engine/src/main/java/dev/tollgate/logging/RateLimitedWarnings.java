package dev.tollgate.logging;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;

/**
 * Logs a warning of one kind at most once per interval and then says how many of that kind it held back, so a
 * misbehaving peer that triggers the same warning on every call fills no disk. The kind is a fixed text chosen
 * by the caller (with the server name, at most), never a value from the wire, so the map stays small.
 */
public final class RateLimitedWarnings {
    /** How often one kind of warning is logged at most, unless a caller says otherwise. */
    public static final Duration DEFAULT_INTERVAL = Duration.ofMinutes(1);

    private final Logger log;
    private final Duration interval;
    private final Clock clock;
    private final Map<String, Kind> kinds = new ConcurrentHashMap<>();

    private static final class Kind {
        Instant lastLogged;
        long heldBack;
    }

    public RateLimitedWarnings(Logger log) {
        this(log, DEFAULT_INTERVAL, Clock.systemUTC());
    }

    public RateLimitedWarnings(Logger log, Duration interval, Clock clock) {
        this.log = log;
        this.interval = interval;
        this.clock = clock;
    }

    /** Logs {@code format} with {@code args} at WARN unless a warning of {@code kind} was logged within the interval. */
    public void warn(String kind, String format, Object... args) {
        Kind k = kinds.computeIfAbsent(kind, key -> new Kind());
        long heldBack;
        synchronized (k) {
            Instant now = clock.instant();
            if (k.lastLogged != null && now.isBefore(k.lastLogged.plus(interval))) {
                k.heldBack++;
                return;
            }
            heldBack = k.heldBack;
            k.heldBack = 0;
            k.lastLogged = now;
        }
        if (heldBack == 0) {
            log.warn(format, args);
        } else {
            log.warn(format + " (and " + heldBack + " more like this since the last such warning, not logged)", args);
        }
    }
}
