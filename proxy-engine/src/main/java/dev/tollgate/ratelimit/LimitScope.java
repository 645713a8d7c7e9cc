package dev.tollgate.ratelimit;

import java.util.Arrays;
import java.util.Optional;

/** Whose calls share one bucket. */
public enum LimitScope {
    /** One bucket per agent and tool (the default, and what role {@code limits} mean). */
    AGENT_TOOL("agent-tool"),
    /** One bucket per agent across every tool the limit names. */
    AGENT("agent"),
    /** One bucket per end user (per-user OAuth); calls without a user are not counted. */
    USER("user"),
    /** One bucket per tool shared by every agent: a global ceiling. */
    TOOL("tool");

    private final String configName;

    LimitScope(String configName) {
        this.configName = configName;
    }

    public String configName() {
        return configName;
    }

    public static Optional<LimitScope> parse(String text) {
        return Arrays.stream(values())
                .filter(s -> s.configName.equalsIgnoreCase(text.strip()))
                .findFirst();
    }
}
