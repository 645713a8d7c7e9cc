package dev.tollgate.identity;

import java.util.Optional;
import java.util.regex.Pattern;

/**
 * API keys first (cheap, local), then a JWT when the bearer has the shape of one. A bearer that looks like
 * a JWT but fails verification is refused with the JWT reason, which is what its presenter needs to know.
 */
public final class CompositeAuthenticator implements Authenticator {
    private static final Pattern JWT_SHAPE = Pattern.compile("[A-Za-z0-9_-]+\\.[A-Za-z0-9_-]+\\.[A-Za-z0-9_-]*");

    private final Authenticator apiKeys;
    private final Optional<Authenticator> jwt;

    public CompositeAuthenticator(Authenticator apiKeys, Optional<Authenticator> jwt) {
        this.apiKeys = apiKeys;
        this.jwt = jwt;
    }

    @Override
    public AuthResult authenticate(Credentials credentials) {
        AuthResult byKey = apiKeys.authenticate(credentials);
        if (byKey instanceof AuthResult.Authenticated || jwt.isEmpty()) {
            return byKey;
        }
        if (credentials.bearer().isPresent()
                && looksLikeJwt(credentials.bearer().get())) {
            return jwt.get().authenticate(credentials);
        }
        return byKey;
    }

    public static boolean looksLikeJwt(String bearer) {
        return JWT_SHAPE.matcher(bearer).matches();
    }
}
