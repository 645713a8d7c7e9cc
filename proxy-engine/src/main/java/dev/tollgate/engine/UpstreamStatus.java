package dev.tollgate.engine;

import java.time.Instant;
import java.util.Optional;

/**
 * One upstream server as the UI shows it: how it is reached, where it stands ({@code connecting}, {@code connected},
 * {@code reconnecting}, {@code down}, {@code closed}), its tool count, the last error it had and, while it is
 * being retried, when the next attempt is due.
 */
public record UpstreamStatus(
        String server,
        String transport,
        String state,
        String detail,
        int toolCount,
        Optional<String> lastError,
        Optional<Instant> retryAt) {
    /** A status with no error on record and no retry pending. */
    public UpstreamStatus(String server, String transport, String state, String detail, int toolCount) {
        this(server, transport, state, detail, toolCount, Optional.empty(), Optional.empty());
    }
}
