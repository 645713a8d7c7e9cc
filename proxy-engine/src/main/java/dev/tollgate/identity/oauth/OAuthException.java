package dev.tollgate.identity.oauth;

/** An OAuth step failed (discovery, registration, token request); the message never contains a token. */
public final class OAuthException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public OAuthException(String message) {
        super(message);
    }

    public OAuthException(String message, Throwable cause) {
        super(message, cause);
    }
}
