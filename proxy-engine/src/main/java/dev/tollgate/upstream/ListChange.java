package dev.tollgate.upstream;

/** One upstream's list of some kind changed (the gateway re-announces {@code list_changed} to agents). */
public record ListChange(String server, Kind kind) {
    /** Which list changed. */
    public enum Kind {
        TOOLS,
        RESOURCES,
        PROMPTS
    }
}
