package dev.tollgate.pipeline;

/** How the call ended as the agent saw it. Blocked calls end in {@link #ERROR}: the agent got an error result. */
public enum CallStatus {
    SUCCESS,
    ERROR,
    TIMEOUT;

    public String wire() {
        return name().toLowerCase(java.util.Locale.ROOT);
    }

    public static CallStatus fromWire(String s) {
        return valueOf(s.toUpperCase(java.util.Locale.ROOT));
    }
}
