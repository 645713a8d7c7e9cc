package dev.tollgate.gateway;

import java.time.Duration;

/** The gateway's knobs: the tool name separator, the per-call timeout, and the page size of aggregated lists. */
public record GatewaySettings(String toolNameSeparator, Duration callTimeout, int pageSize, String version) {
    public GatewaySettings {
        if (pageSize < 1) {
            throw new IllegalArgumentException("page size must be positive");
        }
    }

    public static GatewaySettings defaults() {
        return new GatewaySettings("__", Duration.ofSeconds(30), 100, "0.1.0");
    }
}
