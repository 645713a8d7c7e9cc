package dev.tollgate.engine;

/** A recorded call that cannot be re-sent faithfully; the message says why, for the person who asked. */
public final class ResendRefusedException extends RuntimeException {
    public ResendRefusedException(String message) {
        super(message);
    }
}
