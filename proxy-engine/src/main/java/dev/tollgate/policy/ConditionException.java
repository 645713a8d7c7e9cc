package dev.tollgate.policy;

/** A {@code when:} condition that could not be evaluated for one call; the call is then blocked. */
public final class ConditionException extends Exception {
    private static final long serialVersionUID = 1L;

    public ConditionException(String message, Throwable cause) {
        super(message, cause);
    }
}
