package dev.tollgate.identity;

import java.util.List;

/**
 * Tries several authenticators in order (API keys, then signed JWTs, ...): the first that authenticates wins;
 * when all refuse, the first refusal's message is reported.
 */
public final class CompositeAuthenticator implements Authenticator {
    private final List<Authenticator> delegates;

    public CompositeAuthenticator(List<Authenticator> delegates) {
        if (delegates.isEmpty()) {
            throw new IllegalArgumentException("a composite authenticator needs at least one delegate");
        }
        this.delegates = List.copyOf(delegates);
    }

    @Override
    public AuthResult authenticate(Credentials credentials) {
        AuthResult first = null;
        for (Authenticator delegate : delegates) {
            AuthResult result = delegate.authenticate(credentials);
            if (result instanceof AuthResult.Authenticated) {
                return result;
            }
            if (first == null) {
                first = result;
            }
        }
        return first;
    }
}
