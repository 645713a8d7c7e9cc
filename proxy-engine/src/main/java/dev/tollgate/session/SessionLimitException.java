package dev.tollgate.session;

/** A new session was refused because too many are open for the agent ({@link #perAgent()}) or in all. */
public final class SessionLimitException extends RuntimeException {
    private static final long serialVersionUID = 1L;
    private final boolean perAgent;

    public SessionLimitException(String message, boolean perAgent) {
        super(message);
        this.perAgent = perAgent;
    }

    /** Whether the agent's own limit was reached (else Tollgate's total). */
    public boolean perAgent() {
        return perAgent;
    }
}
