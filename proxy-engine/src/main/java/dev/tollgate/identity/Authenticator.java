package dev.tollgate.identity;

/** Turns presented credentials into an agent identity, or a reason for refusing it. */
public interface Authenticator {
    AuthResult authenticate(Credentials credentials);

    /** Success carries the identity; failure carries a message safe to show the agent (never the secret). */
    sealed interface AuthResult {
        record Authenticated(AgentIdentity identity) implements AuthResult {}

        record Refused(String message) implements AuthResult {}
    }
}
