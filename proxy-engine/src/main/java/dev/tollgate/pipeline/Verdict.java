package dev.tollgate.pipeline;

/** Whether a call went through. */
public enum Verdict {
    ALLOWED,
    BLOCKED;

    public String wire() {
        return name().toLowerCase(java.util.Locale.ROOT);
    }
}
