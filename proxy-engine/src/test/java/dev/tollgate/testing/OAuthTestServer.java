package dev.tollgate.testing;

import com.nimbusds.jwt.SignedJWT;
import java.lang.reflect.Field;
import java.net.InetAddress;
import java.util.Map;
import java.util.Set;
import no.nav.security.mock.oauth2.MockOAuth2Server;
import no.nav.security.mock.oauth2.OAuth2Config;
import no.nav.security.mock.oauth2.grant.RefreshTokenManager;
import no.nav.security.mock.oauth2.http.NettyWrapper;
import no.nav.security.mock.oauth2.token.DefaultOAuth2TokenCallback;
import no.nav.security.mock.oauth2.token.OAuth2TokenProvider;

/**
 * A real OAuth 2.1 / OpenID authorization server on loopback (mock-oauth2-server on its Netty server: its
 * default MockWebServer needs OkHttp 4 internals and fails next to OkHttp 5). Each issuer id is its own
 * issuer with its own signing key, under {@code <base>/<issuerId>}.
 */
public final class OAuthTestServer implements AutoCloseable {
    private final MockOAuth2Server server;

    private OAuthTestServer(MockOAuth2Server server) {
        this.server = server;
    }

    public static OAuthTestServer start() {
        MockOAuth2Server server = new MockOAuth2Server(
                new OAuth2Config(false, null, null, false, new OAuth2TokenProvider(), Set.of(), new NettyWrapper()));
        server.start(InetAddress.getLoopbackAddress(), 0);
        return new OAuthTestServer(server);
    }

    public String issuer(String issuerId) {
        return server.issuerUrl(issuerId).toString();
    }

    public String jwksUrl(String issuerId) {
        return server.jwksUrl(issuerId).toString();
    }

    public String tokenUrl(String issuerId) {
        return server.tokenEndpointUrl(issuerId).toString();
    }

    /** A signed token from this issuer; {@code expirySeconds} may be negative for an expired one. */
    public SignedJWT token(
            String issuerId, String subject, String audience, Map<String, Object> claims, long expirySeconds) {
        return server.issueToken(issuerId, subject, audience, claims, expirySeconds);
    }

    public SignedJWT token(String issuerId, String subject, String audience) {
        return token(issuerId, subject, audience, Map.of(), 3600);
    }

    /** The next token this issuer mints (any grant, refresh included) carries these claims. */
    public void nextToken(
            String issuerId, String subject, String audience, Map<String, Object> claims, long expirySeconds) {
        server.enqueueCallback(new DefaultOAuth2TokenCallback(
                issuerId, subject, "JWT", java.util.List.of(audience), claims, expirySeconds));
    }

    /**
     * Whether the server still honours this refresh token. Its refresh grant accepts unknown tokens (it is a
     * test server), so revocation is observed in its refresh-token registry, read reflectively.
     */
    public boolean holdsRefreshToken(String refreshToken) {
        try {
            Field handlerField = MockOAuth2Server.class.getDeclaredField("defaultRequestHandler");
            handlerField.setAccessible(true);
            Object handler = handlerField.get(server);
            Field managerField = handler.getClass().getDeclaredField("refreshTokenManager");
            managerField.setAccessible(true);
            return ((RefreshTokenManager) managerField.get(handler)).get(refreshToken) != null;
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException("mock-oauth2-server internals changed; update OAuthTestServer", e);
        }
    }

    public MockOAuth2Server server() {
        return server;
    }

    @Override
    public void close() {
        server.shutdown();
    }
}
