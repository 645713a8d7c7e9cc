package dev.tollgate.upstream;

import java.util.Locale;

/**
 * Where an upstream connection stands, as the log, the events and the UI show it: {@code reconnecting} right after
 * it was lost, {@code down} while attempts (initial handshake or reconnects) keep failing, each with a next try.
 */
public enum UpstreamState {
    CONNECTING,
    CONNECTED,
    RECONNECTING,
    DOWN,
    CLOSED;

    public String wire() {
        return name().toLowerCase(Locale.ROOT);
    }
}
