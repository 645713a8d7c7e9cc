package dev.tollgate.identity.oauth;

import com.nimbusds.oauth2.sdk.TokenRequest;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import no.nav.security.mock.oauth2.token.OAuth2TokenCallback;

/**
 * The authorization server's user directory: what each user may do right now. Tokens are minted from it
 * at the time of issue, refreshes included, so a permission change shows in the next refreshed token.
 */
final class Directory {
    private final Map<String, String> scopes = new ConcurrentHashMap<>();
    private final String issuerId;
    private final String audience;

    Directory(String issuerId, String audience) {
        this.issuerId = issuerId;
        this.audience = audience;
    }

    void grant(String user, String scope) {
        scopes.put(user, scope);
    }

    /** The AS signs the next authorization in as this user (its login page is skipped in tests). */
    OAuth2TokenCallback signIn(String user, long lifetimeSeconds) {
        return new OAuth2TokenCallback() {
            @Override
            public String issuerId() {
                return issuerId;
            }

            @Override
            public String subject(TokenRequest request) {
                return user;
            }

            @Override
            public String typeHeader(TokenRequest request) {
                return "JWT";
            }

            @Override
            public List<String> audience(TokenRequest request) {
                return List.of(audience);
            }

            @Override
            public Map<String, Object> addClaims(TokenRequest request) {
                return Map.of("scope", scopes.getOrDefault(user, ""));
            }

            @Override
            public long tokenExpiry() {
                return lifetimeSeconds;
            }
        };
    }
}
