package dev.tollgate.identity;

import static org.assertj.core.api.Assertions.assertThat;

import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.PlainJWT;
import com.nimbusds.jwt.SignedJWT;
import dev.tollgate.config.ConfigLoader;
import dev.tollgate.config.TollgateConfig;
import dev.tollgate.events.EventBus;
import dev.tollgate.gateway.GatewayPipelines;
import dev.tollgate.gateway.GatewaySettings;
import dev.tollgate.gateway.McpGateway;
import dev.tollgate.gateway.NameScheme;
import dev.tollgate.gateway.UnknownToolInterceptor;
import dev.tollgate.json.Json;
import dev.tollgate.pipeline.CallSnapshot;
import dev.tollgate.pipeline.Interceptor;
import dev.tollgate.pipeline.Pipeline;
import dev.tollgate.pipeline.ToolCall;
import dev.tollgate.policy.CompiledPolicy;
import dev.tollgate.session.SessionRegistry;
import dev.tollgate.testing.OAuthTestServer;
import dev.tollgate.transport.AgentHttpServer;
import dev.tollgate.transport.McpHttpHandler;
import dev.tollgate.transport.OriginPolicy;
import dev.tollgate.upstream.UpstreamRegistry;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/** JWT agents and end-user tokens through the real agent-facing endpoint. */
class IdentityOverHttpTest {
    private static OAuthTestServer idp;
    private final HttpClient http = HttpClient.newHttpClient();
    private final List<ToolCall> identified = new CopyOnWriteArrayList<>();
    private SessionRegistry sessions;
    private AgentHttpServer server;
    private String resource;

    @BeforeAll
    static void startIdp() {
        idp = OAuthTestServer.start();
    }

    @AfterAll
    static void stopIdp() {
        idp.close();
    }

    private final EventBus events = new EventBus();

    @BeforeEach
    void start() throws Exception {
        TollgateConfig config = new ConfigLoader().parse("tollgate.yaml", """
                listen: 127.0.0.1:0
                agents:
                  ops-agent: { keys: [ops-key], roles: [ops] }
                identity:
                  jwt:
                    issuer: "%s"
                    jwksUrl: "%s"
                    agents:
                      support-agent: { roles: [ops] }
                  userToken:
                    issuer: "%s"
                    jwksUrl: "%s"
                    audience: support-app
                roles:
                  ops: { allow: ["*"] }
                """.formatted(
                        idp.issuer("agents"), idp.jwksUrl("agents"), idp.issuer("corp"), idp.jwksUrl("corp")));
        sessions = new SessionRegistry(Duration.ofMinutes(10));
        AtomicReference<IdentityServices> identity = new AtomicReference<>();
        Interceptor identityLink = chain -> identity.get().identityLink().intercept(chain);
        Interceptor recordIdentified = chain -> {
            identified.add(chain.call());
            return chain.proceed(chain.call());
        };
        CompiledPolicy policy = CompiledPolicy.from(config);
        McpGateway gateway = new McpGateway(
                new UpstreamRegistry(List.of(), events),
                () -> policy,
                new GatewayPipelines(
                        new Pipeline(
                                List.of(
                                        identityLink,
                                        recordIdentified,
                                        new UnknownToolInterceptor(new NameScheme("__"))),
                                () -> CallSnapshot.identityOnly(identity.get().authenticator())),
                        new Pipeline(
                                List.of(
                                        identityLink,
                                        recordIdentified,
                                        new UnknownToolInterceptor(new NameScheme("__"))),
                                () -> CallSnapshot.identityOnly(identity.get().authenticator()))),
                sessions,
                GatewaySettings.defaults());
        server = new AgentHttpServer(
                "127.0.0.1",
                0,
                new McpHttpHandler(
                        gateway,
                        sessions,
                        () -> identity.get().authenticator(),
                        new OriginPolicy(List.of()),
                        1_000_000,
                        UserTokenSettings.DEFAULT_HEADER));
        server.start();
        identity.set(IdentityServices.create(config.withListenPort(server.port())));
        identity.get().handlers().forEach(server::addRoute);
        sessions.addListener(identity.get().sessionListener());
        resource = identity.get().config().resource();
    }

    @AfterEach
    void stop() {
        server.close();
        sessions.close();
        events.close();
    }

    private HttpResponse<String> post(String bearer, Optional<String> userToken, Optional<String> session, String body)
            throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(server.endpoint())
                .header("Content-Type", "application/json")
                .header("Accept", "application/json, text/event-stream")
                .header("Authorization", "Bearer " + bearer)
                .POST(HttpRequest.BodyPublishers.ofString(body));
        userToken.ifPresent(t -> request.header("X-Tollgate-User-Token", t));
        session.ifPresent(s -> request.header("Mcp-Session-Id", s).header("MCP-Protocol-Version", "2025-06-18"));
        return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    /** The JSON-RPC answer, whether sent as plain JSON or as the data of an SSE event. */
    private static JsonNode answer(HttpResponse<String> response) {
        String body = response.body().trim();
        if (body.startsWith("{")) {
            return Json.parse(body);
        }
        return body.lines()
                .filter(l -> l.startsWith("data:"))
                .map(l -> Json.parse(l.substring(5)))
                .filter(m -> m.has("id"))
                .findFirst()
                .orElseThrow();
    }

    private static String initialize() {
        return "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"initialize\",\"params\":{\"protocolVersion\":\"2025-06-18\","
                + "\"capabilities\":{},\"clientInfo\":{\"name\":\"test\",\"version\":\"1\"}}}";
    }

    private String agentJwt(Map<String, Object> claims, long expiry) {
        return idp.token("agents", "support-agent", resource, claims, expiry).serialize();
    }

    @Test
    void aValidAgentJwtOpensASession() throws Exception {
        HttpResponse<String> response = post(agentJwt(Map.of(), 600), Optional.empty(), Optional.empty(), initialize());

        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.headers().firstValue("Mcp-Session-Id")).isPresent();
    }

    @Test
    void badAgentTokensGet401WithAChallengeNamingTheMetadata() throws Exception {
        SignedJWT genuine = idp.token("agents", "support-agent", resource);
        JWTClaimsSet claims = genuine.getJWTClaimsSet();
        String[] parts = genuine.serialize().split("\\.");
        String tampered = parts[0] + "."
                + com.nimbusds.jose.util.Base64URL.encode(new JWTClaimsSet.Builder(claims)
                        .subject("ops-agent")
                        .build()
                        .toString())
                + "." + parts[2];
        Map<String, String> refused = Map.of(
                agentJwt(Map.of(), -600),
                "the token has expired",
                idp.token("agents", "support-agent", "https://elsewhere.example.com/mcp")
                        .serialize(),
                "(aud)",
                idp.token("strangers", "support-agent", resource).serialize(),
                "algorithm or key is not accepted",
                new PlainJWT(claims).serialize(),
                "alg: none",
                tampered,
                "signature is invalid");

        for (Map.Entry<String, String> attempt : refused.entrySet()) {
            HttpResponse<String> response = post(attempt.getKey(), Optional.empty(), Optional.empty(), initialize());

            assertThat(response.statusCode()).isEqualTo(401);
            String challenge = response.headers().firstValue("WWW-Authenticate").orElseThrow();
            assertThat(challenge)
                    .contains("error=\"invalid_token\"")
                    .contains(attempt.getValue())
                    .contains("resource_metadata=\""
                            + server.endpoint().resolve("/.well-known/oauth-protected-resource") + "\"");
        }
    }

    @Test
    void theMetadataTheChallengeNamesIsServed() throws Exception {
        for (String path :
                List.of("/.well-known/oauth-protected-resource", "/.well-known/oauth-protected-resource/mcp")) {
            HttpResponse<String> response = http.send(
                    HttpRequest.newBuilder(server.endpoint().resolve(path)).build(),
                    HttpResponse.BodyHandlers.ofString());
            JsonNode doc = Json.parse(response.body());

            assertThat(response.statusCode()).isEqualTo(200);
            assertThat(doc.path("resource").asString())
                    .isEqualTo(server.endpoint().toString());
            assertThat(doc.path("authorization_servers").get(0).asString()).isEqualTo(idp.issuer("agents"));
        }
    }

    @Test
    void theUsersTokenPutsTheUserOnEveryToolCall() throws Exception {
        String agent = agentJwt(Map.of(), 600);
        String user = idp.token(
                        "corp",
                        "alice@example.com",
                        "support-app",
                        Map.of("groups", List.of("tier2"), "scope", "crm.read"),
                        600)
                .serialize();
        String session = post(agent, Optional.of(user), Optional.empty(), initialize())
                .headers()
                .firstValue("Mcp-Session-Id")
                .orElseThrow();

        HttpResponse<String> call = post(
                agent,
                Optional.of(user),
                Optional.of(session),
                "{\"jsonrpc\":\"2.0\",\"id\":2,\"method\":\"tools/call\",\"params\":{\"name\":\"crm__getAccount\","
                        + "\"arguments\":{}}}");

        assertThat(call.statusCode()).isEqualTo(200);
        assertThat(identified).hasSize(1);
        assertThat(identified.get(0).agentId()).isEqualTo("support-agent");
        assertThat(identified.get(0).user())
                .contains(new UserIdentity("alice@example.com", List.of("tier2"), List.of("crm.read")));
    }

    @Test
    void aForgedUserTokenBlocksTheCallWithAReason() throws Exception {
        String agent = agentJwt(Map.of(), 600);
        String session = post(agent, Optional.empty(), Optional.empty(), initialize())
                .headers()
                .firstValue("Mcp-Session-Id")
                .orElseThrow();
        String forged =
                idp.token("strangers", "alice@example.com", "support-app").serialize();

        HttpResponse<String> call = post(
                agent,
                Optional.of(forged),
                Optional.of(session),
                "{\"jsonrpc\":\"2.0\",\"id\":2,\"method\":\"tools/call\",\"params\":{\"name\":\"crm__getAccount\","
                        + "\"arguments\":{}}}");
        JsonNode result = answer(call).path("result");

        assertThat(result.path("isError").asBoolean()).isTrue();
        assertThat(result.path("content").get(0).path("text").asString()).startsWith("user token refused: ");
        assertThat(identified).isEmpty();
    }
}
