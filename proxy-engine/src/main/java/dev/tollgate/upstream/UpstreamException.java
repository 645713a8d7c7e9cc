package dev.tollgate.upstream;

/** An upstream could not answer: not connected, died mid-call, or timed out ({@link #timedOut()}). */
public final class UpstreamException extends Exception {
    private static final long serialVersionUID = 1L;
    private final boolean timedOut;

    public UpstreamException(String message, boolean timedOut, Throwable cause) {
        super(message, cause);
        this.timedOut = timedOut;
    }

    public boolean timedOut() {
        return timedOut;
    }
}
