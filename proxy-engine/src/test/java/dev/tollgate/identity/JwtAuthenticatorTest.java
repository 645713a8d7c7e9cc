package dev.tollgate.identity;

import static org.assertj.core.api.Assertions.assertThat;

import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.MACSigner;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.util.Base64URL;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.PlainJWT;
import com.nimbusds.jwt.SignedJWT;
import dev.tollgate.config.AgentConfig;
import dev.tollgate.identity.Authenticator.AuthResult;
import dev.tollgate.testing.OAuthTestServer;
import java.net.URI;
import java.net.URL;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class JwtAuthenticatorTest {
    private static final String RESOURCE = "http://127.0.0.1:7070/mcp";
    private static OAuthTestServer idp;

    @BeforeAll
    static void startIdp() {
        idp = OAuthTestServer.start();
    }

    @AfterAll
    static void stopIdp() {
        idp.close();
    }

    private static JwtTrust trust(String issuer) {
        return new JwtTrust(
                issuer,
                Optional.of(URI.create(idp.jwksUrl("agents"))),
                Optional.empty(),
                Set.of(RESOURCE),
                List.of(JWSAlgorithm.RS256),
                Duration.ofSeconds(5));
    }

    private static JwtAuthenticator authenticator() {
        return new JwtAuthenticator(new JwtAgentSettings(
                trust(idp.issuer("agents")), "sub", Map.of("billing-agent", List.of("billing")), Optional.empty()));
    }

    private static AuthResult present(Authenticator authenticator, String token) {
        return authenticator.authenticate(Credentials.bearer(token));
    }

    private static String refusal(AuthResult result) {
        assertThat(result).isInstanceOf(AuthResult.Refused.class);
        return ((AuthResult.Refused) result).message();
    }

    @Test
    void aValidTokenAuthenticatesTheConfiguredAgentWithItsRoles() {
        AuthResult result = present(
                authenticator(), idp.token("agents", "billing-agent", RESOURCE).serialize());

        assertThat(result)
                .isEqualTo(new AuthResult.Authenticated(new AgentIdentity("billing-agent", List.of("billing"), "jwt")));
    }

    @Test
    void theAgentIdCanComeFromAnotherClaimAndRolesFromAClaim() {
        JwtAuthenticator byClientId = new JwtAuthenticator(
                new JwtAgentSettings(trust(idp.issuer("agents")), "client_id", Map.of(), Optional.of("roles")));
        String token = idp.token(
                        "agents",
                        "some-user",
                        RESOURCE,
                        Map.of("client_id", "support-bot", "roles", List.of("support", "reader")),
                        600)
                .serialize();

        assertThat(present(byClientId, token))
                .isEqualTo(new AuthResult.Authenticated(
                        new AgentIdentity("support-bot", List.of("support", "reader"), "jwt")));
    }

    @Test
    void anExpiredTokenIsRefused() {
        String token =
                idp.token("agents", "billing-agent", RESOURCE, Map.of(), -600).serialize();

        assertThat(refusal(present(authenticator(), token))).isEqualTo("the token has expired");
    }

    @Test
    void aTokenForAnotherAudienceIsRefused() {
        String token =
                idp.token("agents", "billing-agent", "https://crm.example.com").serialize();

        assertThat(refusal(present(authenticator(), token))).contains("(aud)");
    }

    @Test
    void aTokenFromAnotherIssuerIsRefused() {
        JwtAuthenticator trustsOtherIssuer = new JwtAuthenticator(new JwtAgentSettings(
                trust("https://idp.example.com"),
                "sub",
                Map.of("billing-agent", List.of("billing")),
                Optional.empty()));

        String reason = refusal(present(
                trustsOtherIssuer,
                idp.token("agents", "billing-agent", RESOURCE).serialize()));

        assertThat(reason).contains("(iss)");
    }

    @Test
    void aTokenSignedByAnotherIssuersKeyIsRefused() {
        String reason = refusal(present(
                authenticator(),
                idp.token("strangers", "billing-agent", RESOURCE).serialize()));

        assertThat(reason).isEqualTo("the token's signature algorithm or key is not accepted");
    }

    @Test
    void anUnsignedAlgNoneTokenIsRefused() throws Exception {
        JWTClaimsSet claims = idp.token("agents", "billing-agent", RESOURCE).getJWTClaimsSet();
        String unsigned = new PlainJWT(claims).serialize();

        assertThat(CompositeAuthenticator.looksLikeJwt(unsigned)).isTrue();
        assertThat(refusal(present(authenticator(), unsigned))).isEqualTo("unsigned tokens (alg: none) are refused");
    }

    @Test
    void aTamperedPayloadFailsTheSignatureCheck() throws Exception {
        SignedJWT genuine = idp.token("agents", "support-agent", RESOURCE);
        JWTClaimsSet forged = new JWTClaimsSet.Builder(genuine.getJWTClaimsSet())
                .subject("billing-agent")
                .build();
        String[] parts = genuine.serialize().split("\\.");
        String tampered = parts[0] + "." + Base64URL.encode(forged.toString()) + "." + parts[2];

        assertThat(refusal(present(authenticator(), tampered))).isEqualTo("the token signature is invalid");
    }

    @Test
    void anHmacTokenKeyedWithThePublicKeyIsRefused() throws Exception {
        RSAKey published =
                (RSAKey) JWKSet.load(new URL(idp.jwksUrl("agents"))).getKeys().get(0);
        JWTClaimsSet claims = idp.token("agents", "billing-agent", RESOURCE).getJWTClaimsSet();
        SignedJWT confused = new SignedJWT(
                new JWSHeader.Builder(JWSAlgorithm.HS256)
                        .keyID(published.getKeyID())
                        .build(),
                claims);
        byte[] secret = published.toRSAPublicKey().getEncoded();
        confused.sign(new MACSigner(secret));

        assertThat(refusal(present(authenticator(), confused.serialize())))
                .isEqualTo("the token's signature algorithm or key is not accepted");
    }

    @Test
    void aTokenNotValidYetIsRefused() {
        long inAnHour = Instant.now().plusSeconds(3600).getEpochSecond();
        String token = idp.token("agents", "billing-agent", RESOURCE, Map.of("nbf", new Date(inAnHour * 1000)), 7200)
                .serialize();

        assertThat(refusal(present(authenticator(), token))).isEqualTo("the token is not valid yet (nbf)");
    }

    @Test
    void anAgentNotInTheConfigIsRefusedEvenWithAValidToken() {
        String reason = refusal(present(
                authenticator(), idp.token("agents", "stranger", RESOURCE).serialize()));

        assertThat(reason).isEqualTo("agent 'stranger' is not configured under identity.jwt.agents");
    }

    @Test
    void aConfiguredPublicKeyVerifiesWithoutAJwksUrl() throws Exception {
        RSAKey published =
                (RSAKey) JWKSet.load(new URL(idp.jwksUrl("agents"))).getKeys().get(0);
        String pem = "-----BEGIN PUBLIC KEY-----\n"
                + java.util.Base64.getMimeEncoder()
                        .encodeToString(published.toRSAPublicKey().getEncoded())
                + "\n-----END PUBLIC KEY-----\n";
        JwtAuthenticator byKey = new JwtAuthenticator(new JwtAgentSettings(
                new JwtTrust(
                        idp.issuer("agents"),
                        Optional.empty(),
                        Optional.of(pem),
                        Set.of(RESOURCE),
                        List.of(JWSAlgorithm.RS256),
                        Duration.ZERO),
                "sub",
                Map.of("billing-agent", List.of("billing")),
                Optional.empty()));

        assertThat(present(byKey, idp.token("agents", "billing-agent", RESOURCE).serialize()))
                .isInstanceOf(AuthResult.Authenticated.class);
        assertThat(present(
                        byKey, idp.token("strangers", "billing-agent", RESOURCE).serialize()))
                .isInstanceOf(AuthResult.Refused.class);
    }

    @Test
    void theCompositeTriesApiKeysFirstThenJwts() {
        CompositeAuthenticator composite = new CompositeAuthenticator(
                new ApiKeyAuthenticator(List.of(new AgentConfig("ops-agent", List.of("ops-key-123"), List.of("ops")))),
                Optional.of(authenticator()));

        assertThat(present(composite, "ops-key-123"))
                .isEqualTo(new AuthResult.Authenticated(new AgentIdentity("ops-agent", List.of("ops"), "api-key")));
        assertThat(present(
                        composite,
                        idp.token("agents", "billing-agent", RESOURCE).serialize()))
                .isInstanceOf(AuthResult.Authenticated.class);
        assertThat(refusal(present(composite, "not-a-key"))).isEqualTo("unknown agent key");
        assertThat(refusal(present(
                        composite,
                        idp.token("agents", "billing-agent", RESOURCE, Map.of(), -600)
                                .serialize())))
                .isEqualTo("the token has expired");
        assertThat(refusal(composite.authenticate(Credentials.NONE))).contains("missing");
    }
}
