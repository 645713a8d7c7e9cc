package dev.tollgate.identity.oauth;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.nimbusds.jwt.SignedJWT;
import dev.tollgate.config.ConfigException;
import dev.tollgate.config.ConfigLoader;
import dev.tollgate.config.TollgateConfig;
import dev.tollgate.identity.Credentials;
import dev.tollgate.json.Json;
import dev.tollgate.pipeline.AgentChannel;
import dev.tollgate.pipeline.CallContext;
import dev.tollgate.pipeline.CallOutcome;
import dev.tollgate.pipeline.Pipeline;
import dev.tollgate.pipeline.ToolAnnotations;
import dev.tollgate.pipeline.ToolCall;
import dev.tollgate.pipeline.ToolRef;
import dev.tollgate.testing.OAuthTestServer;
import dev.tollgate.upstream.UpstreamAuth;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import okhttp3.OkHttpClient;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class ServiceAccountTest {
    private static final CallContext CONTEXT =
            new CallContext("2025-06-18", AgentChannel.DISCARD, Duration.ofSeconds(10));

    private OAuthTestServer as;
    private RecordingUpstream upstream;
    private final MutableClock clock = new MutableClock();
    private Pipeline pipeline;

    @BeforeEach
    void start() throws Exception {
        as = OAuthTestServer.start();
        upstream = new RecordingUpstream(as.issuer("svc"));
        TollgateConfig config = new ConfigLoader(name -> Optional.of("tollgate-svc-secret"))
                .parse("tollgate.yaml", """
                servers:
                  payments:
                    url: "%s"
                    headers: { X-Tenant: acme }
                    auth: client_credentials
                    oauth: { issuer: "%s", clientId: tollgate-svc, clientSecret: "${env:SVC_SECRET}", scopes: [payments.read] }
                """.formatted(upstream.url(), as.issuer("svc")));
        ServiceAccountTokens tokens = new ServiceAccountTokens(
                UpstreamOAuthSettings.from(config),
                new OAuthDiscovery(new OkHttpClient()),
                Duration.ofSeconds(30),
                clock);
        pipeline = new Pipeline(List.of(new ServiceAccountInterceptor(tokens), new ForwardingStandIn(upstream.url())));
    }

    @AfterEach
    void stop() throws Exception {
        upstream.close();
        as.close();
    }

    private CallOutcome call() {
        return pipeline.execute(
                new ToolCall(
                        UUID.randomUUID().toString(),
                        Instant.now(),
                        "s1",
                        Credentials.bearer("the-agents-own-key"),
                        Optional.empty(),
                        Optional.empty(),
                        new ToolRef("payments", "getHistory"),
                        Json.object(),
                        ToolAnnotations.NONE,
                        Optional.empty(),
                        Json.object(),
                        new UpstreamAuth(Map.of("X-Tenant", "acme"))),
                CONTEXT);
    }

    @Test
    void theUpstreamSeesTollgatesServiceTokenReusedUntilItNearsExpiry() throws Exception {
        call();
        call();
        clock.advance(Duration.ofHours(2));
        call();

        assertThat(upstream.authorizations).hasSize(3);
        String first = upstream.authorizations.get(0).orElseThrow();
        assertThat(first).startsWith("Bearer ");
        SignedJWT token = SignedJWT.parse(first.substring(7));
        assertThat(token.getJWTClaimsSet().getSubject()).isEqualTo("tollgate-svc");
        assertThat(token.getJWTClaimsSet().getIssuer()).isEqualTo(as.issuer("svc"));
        assertThat(upstream.authorizations.get(1)).isEqualTo(upstream.authorizations.get(0));
        assertThat(upstream.authorizations.get(2)).isNotEqualTo(upstream.authorizations.get(0));
        assertThat(upstream.authorizations).noneMatch(a -> a.orElseThrow().contains("the-agents-own-key"));
    }

    @Test
    void clientCredentialsWithoutASecretIsAConfigError() {
        assertThatThrownBy(() -> UpstreamOAuthSettings.from(new ConfigLoader().parse("tollgate.yaml", """
                servers:
                  payments:
                    url: "http://127.0.0.1:1/mcp"
                    auth: client_credentials
                    oauth: { clientId: tollgate-svc }
                """)))
                .isInstanceOf(ConfigException.class)
                .hasMessage("tollgate.yaml:5: auth: client_credentials needs oauth.clientId and oauth.clientSecret");
    }
}
