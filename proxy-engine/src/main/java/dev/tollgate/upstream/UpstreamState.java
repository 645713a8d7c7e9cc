package dev.tollgate.upstream;

import java.util.Locale;

/** Where an upstream connection stands, as the UI and the events show it. */
public enum UpstreamState {
    CONNECTING, CONNECTED, FAILED, RESTARTING, CLOSED;

    public String wire() {
        return name().toLowerCase(Locale.ROOT);
    }
}
