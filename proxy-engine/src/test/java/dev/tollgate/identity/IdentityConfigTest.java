package dev.tollgate.identity;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.nimbusds.jose.JWSAlgorithm;
import dev.tollgate.config.ConfigException;
import dev.tollgate.config.ConfigLoader;
import dev.tollgate.config.TollgateConfig;
import dev.tollgate.identity.Authenticator.AuthResult;
import dev.tollgate.testing.OAuthTestServer;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class IdentityConfigTest {
    private static TollgateConfig load(String yaml) {
        return new ConfigLoader(name -> Optional.of("from-env-" + name)).parse("tollgate.yaml", yaml);
    }

    @Test
    void apiKeyAgentsKeepWorkingAndJwtAgentsAreAddedNextToThem() {
        try (OAuthTestServer idp = OAuthTestServer.start()) {
            TollgateConfig config = load("""
                    listen: 127.0.0.1:7070
                    agents:
                      ops-agent: { keys: ["${env:OPS_KEY}"], roles: [ops] }
                    identity:
                      jwt:
                        issuer: %s
                        jwksUrl: %s
                        agentClaim: client_id
                        algorithms: [RS256, ES256]
                        agents:
                          billing-bot: { roles: [billing] }
                    """.formatted(idp.issuer("agents"), idp.jwksUrl("agents")));
            IdentityConfig identity = IdentityConfig.from(config);
            Authenticator authenticator = identity.authenticator(config);

            assertThat(identity.resource()).isEqualTo("http://127.0.0.1:7070/mcp");
            assertThat(identity.jwt().orElseThrow().trust().algorithms())
                    .containsExactly(JWSAlgorithm.RS256, JWSAlgorithm.ES256);
            assertThat(authenticator.authenticate(Credentials.bearer("from-env-OPS_KEY")))
                    .isEqualTo(new AuthResult.Authenticated(new AgentIdentity("ops-agent", List.of("ops"), "api-key")));
            String jwt = idp.token("agents", "x", "http://127.0.0.1:7070/mcp", Map.of("client_id", "billing-bot"), 600)
                    .serialize();
            assertThat(authenticator.authenticate(Credentials.bearer(jwt)))
                    .isEqualTo(
                            new AuthResult.Authenticated(new AgentIdentity("billing-bot", List.of("billing"), "jwt")));
            assertThat(identity.metadata().authorizationServers()).containsExactly(idp.issuer("agents"));
        }
    }

    @Test
    void hmacAlgorithmsAreRefusedWithTheLineThatAskedForThem() {
        assertThatThrownBy(() -> IdentityConfig.from(load("""
                identity:
                  jwt:
                    issuer: https://idp.example.com
                    jwksUrl: https://idp.example.com/jwks
                    algorithms: [HS256]
                """)))
                .isInstanceOf(ConfigException.class)
                .hasMessageStartingWith("tollgate.yaml:2: ")
                .hasMessageContaining("algorithm HS256 is not accepted");
    }

    @Test
    void aUserTokenSectionNeedsItsOwnAudience() {
        assertThatThrownBy(() -> IdentityConfig.from(load("""
                identity:
                  userToken:
                    issuer: https://idp.example.com
                    jwksUrl: https://idp.example.com/jwks
                """)))
                .isInstanceOf(ConfigException.class)
                .hasMessage(
                        "tollgate.yaml:2: identity.userToken.audience is required (the client id the IdP issues user tokens to)");
    }

    @Test
    void keysMustComeFromExactlyOnePlace() {
        assertThatThrownBy(() -> IdentityConfig.from(load("""
                identity:
                  jwt:
                    issuer: https://idp.example.com
                """)))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("exactly one of jwksUrl and publicKey is needed");
    }

    @Test
    void withoutAnIdentitySectionOnlyApiKeysAuthenticate() {
        TollgateConfig config = load("agents:\n  a: { keys: [k1], roles: [r] }\n");
        IdentityConfig identity = IdentityConfig.from(config);

        assertThat(identity.jwt()).isEmpty();
        assertThat(identity.userToken()).isEmpty();
        assertThat(identity.authenticator(config).authenticate(Credentials.bearer("a.b.c")))
                .isEqualTo(new AuthResult.Refused("unknown agent key"));
    }
}
