package dev.tollgate.audit;

/** The store could not take a record; the call that needed it must be blocked (fail closed). */
public final class AuditUnavailableException extends Exception {
    private static final long serialVersionUID = 1L;

    public AuditUnavailableException(String message, Throwable cause) {
        super(message, cause);
    }
}
