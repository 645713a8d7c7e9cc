package dev.tollgate.sample.demo;

/** The demo will not start because another process owns its directory or audit store; nothing was changed. */
public final class DemoRefusedException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public DemoRefusedException(String message) {
        super(message);
    }
}
