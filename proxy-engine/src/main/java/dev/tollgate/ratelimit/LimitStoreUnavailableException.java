package dev.tollgate.ratelimit;

/** A shared limit store could not be reached; {@code store} names it without credentials. */
public final class LimitStoreUnavailableException extends RuntimeException {
    private final String store;

    public LimitStoreUnavailableException(String store, String message, Throwable cause) {
        super(message, cause);
        this.store = store;
    }

    public String store() {
        return store;
    }
}
