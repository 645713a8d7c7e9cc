package dev.tollgate.transport;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.tollgate.config.ConfigLoader;
import dev.tollgate.config.TollgateConfig;
import dev.tollgate.events.EventBus;
import dev.tollgate.gateway.GatewayPipelines;
import dev.tollgate.gateway.GatewaySettings;
import dev.tollgate.gateway.McpGateway;
import dev.tollgate.gateway.UnknownToolInterceptor;
import dev.tollgate.identity.ApiKeyAuthenticator;
import dev.tollgate.identity.Authenticator;
import dev.tollgate.identity.IdentityInterceptor;
import dev.tollgate.json.Json;
import dev.tollgate.pipeline.CallSnapshot;
import dev.tollgate.pipeline.Interceptor;
import dev.tollgate.pipeline.Pipeline;
import dev.tollgate.pipeline.ToolCall;
import dev.tollgate.policy.CompiledPolicy;
import dev.tollgate.policy.Policy;
import dev.tollgate.session.SessionEndReason;
import dev.tollgate.session.SessionRegistry;
import dev.tollgate.upstream.UpstreamRegistry;
import java.io.BufferedReader;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import tools.jackson.databind.JsonNode;

/** Every Streamable HTTP rule of the MCP spec the endpoint enforces, checked on the wire with a plain HTTP client. */
class McpHttpProtocolTest {
    private static final String KEY = "key-of-tester";
    private static final String OTHER_KEY = "key-of-other";
    private static final long MAX_BYTES = 8_192;
    private static final String CONFIG = """
            agents:
              tester: { keys: ["key-of-tester"], roles: [ops] }
              other:  { keys: ["key-of-other"], roles: [ops] }
            roles:
              ops:
                allow: ["*"]
            allowedOrigins: ["https://console.example.com"]
            """;

    private SessionRegistry sessions;
    private final EventBus events = new EventBus();
    private UpstreamRegistry upstreams;
    private AgentHttpServer server;
    private RawMcp mcp;
    private final List<ToolCall> audited = new CopyOnWriteArrayList<>();
    private final List<String> ended = new CopyOnWriteArrayList<>();

    @BeforeEach
    void start() throws Exception {
        TollgateConfig config = new ConfigLoader().parse("tollgate.yaml", CONFIG);
        Authenticator authenticator = new ApiKeyAuthenticator(config.agents().values());
        Policy policy = CompiledPolicy.from(config);
        sessions = new SessionRegistry(Duration.ofMinutes(10));
        sessions.addListener((session, reason) -> ended.add(session.id() + ":" + reason));
        Interceptor recordAttempt = chain -> {
            audited.add(chain.call());
            return chain.proceed(chain.call());
        };
        GatewaySettings settings = GatewaySettings.defaults();
        upstreams = new UpstreamRegistry(List.of(), events);
        McpGateway gateway = new McpGateway(
                upstreams,
                () -> policy,
                () -> authenticator,
                new GatewayPipelines(
                        new Pipeline(
                                List.of(recordAttempt, new IdentityInterceptor(), chain -> {
                                    throw new AssertionError(
                                            "no upstream is configured, so no call may reach forwarding");
                                }),
                                () -> CallSnapshot.identityOnly(authenticator)),
                        new Pipeline(
                                List.of(
                                        recordAttempt,
                                        new IdentityInterceptor(),
                                        new UnknownToolInterceptor(new dev.tollgate.gateway.NameScheme("__"))),
                                () -> CallSnapshot.identityOnly(authenticator))),
                sessions,
                settings);
        McpHttpHandler handler = new McpHttpHandler(
                gateway,
                sessions,
                () -> authenticator,
                new OriginPolicy(config.allowedOrigins()),
                MAX_BYTES,
                dev.tollgate.identity.UserTokenSettings.DEFAULT_HEADER);
        server = new AgentHttpServer("127.0.0.1", 0, handler);
        server.start();
        mcp = new RawMcp(server.endpoint());
    }

    @AfterEach
    void stop() {
        server.close();
        sessions.close();
        upstreams.close();
        events.close();
    }

    private String openSession(String version) {
        HttpResponse<String> response =
                mcp.post().key(KEY).body(RawMcp.initialize(version)).send();
        assertThat(response.statusCode()).isEqualTo(200);
        String id = response.headers().firstValue("Mcp-Session-Id").orElseThrow();
        HttpResponse<String> initialized = mcp.post()
                .key(KEY)
                .session(id)
                .header("MCP-Protocol-Version", version)
                .body("{\"jsonrpc\":\"2.0\",\"method\":\"notifications/initialized\"}")
                .send();
        assertThat(initialized.statusCode()).isEqualTo(202);
        return id;
    }

    private static JsonNode json(HttpResponse<String> response) {
        return Json.parse(response.body());
    }

    @ParameterizedTest
    @ValueSource(strings = {"2025-03-26", "2025-06-18", "2025-11-25"})
    void initializeAnswersTheClientsVersionAndIssuesAVisibleAsciiSessionId(String version) {
        HttpResponse<String> response =
                mcp.post().key(KEY).body(RawMcp.initialize(version)).send();

        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.headers().firstValue("Content-Type").orElseThrow()).startsWith("application/json");
        JsonNode body = json(response);
        assertThat(body.path("id").asInt()).isEqualTo(1);
        assertThat(body.path("result").path("protocolVersion").asString()).isEqualTo(version);
        assertThat(body.path("result").path("serverInfo").path("name").asString())
                .isEqualTo("tollgate");
        JsonNode capabilities = body.path("result").path("capabilities");
        assertThat(capabilities.path("tools").path("listChanged").asBoolean()).isTrue();
        assertThat(capabilities.path("resources").path("listChanged").asBoolean())
                .isTrue();
        assertThat(capabilities.path("prompts").path("listChanged").asBoolean()).isTrue();
        assertThat(capabilities.has("logging")).isTrue();
        String sessionId = response.headers().firstValue("Mcp-Session-Id").orElseThrow();
        assertThat(sessionId).hasSizeGreaterThanOrEqualTo(32).matches("[\\x21-\\x7E]+");
    }

    @Test
    void initializeWithAnUnsupportedVersionAnswersTheLatest() {
        HttpResponse<String> response =
                mcp.post().key(KEY).body(RawMcp.initialize("2024-11-05")).send();

        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(json(response).path("result").path("protocolVersion").asString())
                .isEqualTo("2025-11-25");
    }

    @Test
    void everyInitializeOpensADistinctSession() {
        String first = openSession("2025-06-18");
        String second = openSession("2025-06-18");

        assertThat(first).isNotEqualTo(second);
    }

    @Test
    void notificationsAndResponsesAreAcceptedWith202AndNoBody() {
        String id = openSession("2025-06-18");

        HttpResponse<String> notification = mcp.post()
                .key(KEY)
                .session(id)
                .body("{\"jsonrpc\":\"2.0\",\"method\":\"notifications/cancelled\",\"params\":{\"requestId\":99}}")
                .send();
        HttpResponse<String> response = mcp.post()
                .key(KEY)
                .session(id)
                .body("{\"jsonrpc\":\"2.0\",\"id\":\"tollgate-404\",\"result\":{}}")
                .send();

        assertThat(notification.statusCode()).isEqualTo(202);
        assertThat(notification.body()).isEmpty();
        assertThat(response.statusCode()).isEqualTo(202);
        assertThat(response.body()).isEmpty();
    }

    @Test
    void pingIsAnsweredAsJson() {
        String id = openSession("2025-11-25");

        HttpResponse<String> response = mcp.post()
                .key(KEY)
                .session(id)
                .header("MCP-Protocol-Version", "2025-11-25")
                .body(RawMcp.request("p-1", "ping", "{}"))
                .send();

        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.headers().firstValue("Content-Type").orElseThrow()).startsWith("application/json");
        assertThat(json(response).path("id").asString()).isEqualTo("p-1");
        assertThat(json(response).path("result").isObject()).isTrue();
    }

    @Test
    void aRequestWithoutSessionIdIs400() {
        openSession("2025-06-18");

        HttpResponse<String> response =
                mcp.post().key(KEY).body(RawMcp.request(2, "tools/list", "{}")).send();

        assertThat(response.statusCode()).isEqualTo(400);
        assertThat(json(response).path("error").path("message").asString()).contains("Mcp-Session-Id");
    }

    @Test
    void anUnknownSessionIdIs404OnEveryMethod() {
        String bogus = "no-such-session";

        assertThat(mcp.post()
                        .key(KEY)
                        .session(bogus)
                        .body(RawMcp.request(2, "ping", "{}"))
                        .send()
                        .statusCode())
                .isEqualTo(404);
        assertThat(mcp.get().key(KEY).session(bogus).send().statusCode()).isEqualTo(404);
        assertThat(mcp.delete().key(KEY).session(bogus).send().statusCode()).isEqualTo(404);
    }

    @Test
    void deleteEndsTheSessionAndLaterUseIs404() {
        String id = openSession("2025-06-18");

        HttpResponse<String> deleted = mcp.delete().key(KEY).session(id).send();

        assertThat(deleted.statusCode()).isEqualTo(200);
        assertThat(ended).containsExactly(id + ":" + SessionEndReason.CLIENT_CLOSED);
        assertThat(mcp.post()
                        .key(KEY)
                        .session(id)
                        .body(RawMcp.request(3, "ping", "{}"))
                        .send()
                        .statusCode())
                .isEqualTo(404);
        assertThat(mcp.delete().key(KEY).session(id).send().statusCode()).isEqualTo(404);
    }

    @Test
    void aSessionCannotBeUsedWithAnotherAgentsKey() {
        String id = openSession("2025-06-18");

        HttpResponse<String> response = mcp.post()
                .key(OTHER_KEY)
                .session(id)
                .body(RawMcp.request(2, "ping", "{}"))
                .send();

        assertThat(response.statusCode()).isEqualTo(404);
    }

    @Test
    void anUnsupportedProtocolVersionHeaderIs400AndAnAbsentOneIsAccepted() {
        String id = openSession("2025-06-18");

        HttpResponse<String> unsupported = mcp.post()
                .key(KEY)
                .session(id)
                .header("MCP-Protocol-Version", "1900-01-01")
                .body(RawMcp.request(2, "ping", "{}"))
                .send();
        HttpResponse<String> absent = mcp.post()
                .key(KEY)
                .session(id)
                .body(RawMcp.request(3, "ping", "{}"))
                .send();
        HttpResponse<String> unsupportedOnGet = mcp.get()
                .key(KEY)
                .session(id)
                .header("MCP-Protocol-Version", "not-a-version")
                .send();

        assertThat(unsupported.statusCode()).isEqualTo(400);
        assertThat(json(unsupported).path("error").path("message").asString()).contains("MCP-Protocol-Version");
        assertThat(absent.statusCode()).isEqualTo(200);
        assertThat(unsupportedOnGet.statusCode()).isEqualTo(400);
    }

    @Test
    void aForeignOriginIs403AndLoopbackOrConfiguredOriginsPass() {
        HttpResponse<String> foreign = mcp.post()
                .key(KEY)
                .header("Origin", "https://evil.example")
                .body(RawMcp.initialize("2025-06-18"))
                .send();
        HttpResponse<String> foreignUnauthenticated =
                mcp.get().header("Origin", "http://rebind.example:8080").send();
        HttpResponse<String> loopback = mcp.post()
                .key(KEY)
                .header("Origin", "http://localhost:5173")
                .body(RawMcp.initialize("2025-06-18"))
                .send();
        HttpResponse<String> configured = mcp.post()
                .key(KEY)
                .header("Origin", "https://console.example.com")
                .body(RawMcp.initialize("2025-06-18"))
                .send();

        assertThat(foreign.statusCode()).isEqualTo(403);
        assertThat(foreignUnauthenticated.statusCode()).isEqualTo(403);
        assertThat(loopback.statusCode()).isEqualTo(200);
        assertThat(configured.statusCode()).isEqualTo(200);
    }

    @Test
    void missingCredentialsAre401WithABearerChallengeNamingTheResourceMetadata() {
        HttpResponse<String> response =
                mcp.post().body(RawMcp.initialize("2025-06-18")).send();

        assertThat(response.statusCode()).isEqualTo(401);
        String challenge = response.headers().firstValue("WWW-Authenticate").orElseThrow();
        assertThat(challenge)
                .startsWith("Bearer ")
                .contains("resource_metadata=\"http://127.0.0.1:" + server.port()
                        + "/.well-known/oauth-protected-resource\"")
                .doesNotContain("invalid_token");
    }

    @Test
    void aWrongKeyIs401WithInvalidTokenAndNeverEchoesTheKey() {
        HttpResponse<String> response = mcp.post()
                .key("stolen-guess")
                .body(RawMcp.initialize("2025-06-18"))
                .send();

        assertThat(response.statusCode()).isEqualTo(401);
        String challenge = response.headers().firstValue("WWW-Authenticate").orElseThrow();
        assertThat(challenge)
                .startsWith("Bearer ")
                .contains("error=\"invalid_token\"")
                .contains("resource_metadata=");
        assertThat(challenge + response.body()).doesNotContain("stolen-guess");
    }

    @Test
    void malformedJsonIsAParseErrorWith400() {
        HttpResponse<String> response = mcp.post()
                .key(KEY)
                .body("{\"jsonrpc\": \"2.0\", \"id\": 1, \"method\": ")
                .send();

        assertThat(response.statusCode()).isEqualTo(400);
        assertThat(json(response).path("error").path("code").asInt()).isEqualTo(-32700);
        assertThat(json(response).path("id").isNull()).isTrue();
    }

    @Test
    void aNonJsonRpcMessageIsAnInvalidRequest() {
        String id = openSession("2025-06-18");

        HttpResponse<String> wrongVersion = mcp.post()
                .key(KEY)
                .session(id)
                .body("{\"jsonrpc\":\"1.0\",\"id\":5,\"method\":\"ping\"}")
                .send();
        HttpResponse<String> numericMethod = mcp.post()
                .key(KEY)
                .session(id)
                .body("{\"jsonrpc\":\"2.0\",\"id\":6,\"method\":42}")
                .send();

        assertThat(wrongVersion.statusCode()).isEqualTo(400);
        assertThat(json(wrongVersion).path("error").path("code").asInt()).isEqualTo(-32600);
        assertThat(json(wrongVersion).path("id").asInt()).isEqualTo(5);
        assertThat(numericMethod.statusCode()).isEqualTo(400);
        assertThat(json(numericMethod).path("error").path("code").asInt()).isEqualTo(-32600);
    }

    @Test
    void anUnknownMethodIsMethodNotFound() {
        String id = openSession("2025-06-18");

        HttpResponse<String> response = mcp.post()
                .key(KEY)
                .session(id)
                .body(RawMcp.request(7, "tools/frobnicate", "{}"))
                .send();

        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(json(response).path("id").asInt()).isEqualTo(7);
        assertThat(json(response).path("error").path("code").asInt()).isEqualTo(-32601);
    }

    @Test
    void anOversizedBodyIs413() {
        String id = openSession("2025-06-18");
        String padding = "x".repeat((int) MAX_BYTES);

        HttpResponse<String> response = mcp.post()
                .key(KEY)
                .session(id)
                .body(RawMcp.request(8, "ping", "{\"padding\":\"" + padding + "\"}"))
                .send();

        assertThat(response.statusCode()).isEqualTo(413);
    }

    @Test
    void aBodyThatIsNotJsonByContentTypeIs415() {
        HttpResponse<String> response = mcp.post()
                .key(KEY)
                .header("Content-Type", "text/plain")
                .body(RawMcp.initialize("2025-06-18"))
                .send();

        assertThat(response.statusCode()).isEqualTo(415);
    }

    @Test
    void anAcceptHeaderLackingARequiredTypeIs406() {
        String id = openSession("2025-06-18");

        HttpResponse<String> jsonOnly = mcp.post()
                .key(KEY)
                .header("Accept", "application/json")
                .body(RawMcp.initialize("2025-06-18"))
                .send();
        HttpResponse<String> none = mcp.post()
                .key(KEY)
                .header("Accept", null)
                .body(RawMcp.initialize("2025-06-18"))
                .send();
        HttpResponse<String> getWithoutEventStream = mcp.get()
                .key(KEY)
                .session(id)
                .header("Accept", "application/json")
                .send();
        HttpResponse<String> wildcard = mcp.post()
                .key(KEY)
                .header("Accept", "*/*")
                .body(RawMcp.initialize("2025-06-18"))
                .send();

        assertThat(jsonOnly.statusCode()).isEqualTo(406);
        assertThat(none.statusCode()).isEqualTo(406);
        assertThat(getWithoutEventStream.statusCode()).isEqualTo(406);
        assertThat(wildcard.statusCode()).isEqualTo(200);
    }

    @Test
    void otherHttpMethodsAre405AndOtherPathsAre404() {
        HttpResponse<String> put = mcp.method("PUT").key(KEY).send();

        assertThat(put.statusCode()).isEqualTo(405);
        assertThat(put.headers().firstValue("Allow").orElseThrow())
                .contains("POST")
                .contains("GET")
                .contains("DELETE");
    }

    @Test
    void batchesAreAnsweredUnder2025_03_26AndRefusedLater() {
        String old = openSession("2025-03-26");
        String batch = "[" + RawMcp.request(1, "ping", "{}") + ","
                + "{\"jsonrpc\":\"2.0\",\"method\":\"notifications/progress\",\"params\":{\"progressToken\":1,\"progress\":1}},"
                + RawMcp.request(2, "ping", "{}") + "]";

        HttpResponse<String> accepted = mcp.post()
                .key(KEY)
                .session(old)
                .header("MCP-Protocol-Version", "2025-03-26")
                .body(batch)
                .send();

        assertThat(accepted.statusCode()).isEqualTo(200);
        JsonNode answers = json(accepted);
        assertThat(answers.isArray()).isTrue();
        assertThat(answers.size()).isEqualTo(2);
        assertThat(answers.get(0).path("id").asInt()).isEqualTo(1);
        assertThat(answers.get(1).path("id").asInt()).isEqualTo(2);

        String current = openSession("2025-06-18");
        HttpResponse<String> refused = mcp.post()
                .key(KEY)
                .session(current)
                .header("MCP-Protocol-Version", "2025-06-18")
                .body(batch)
                .send();
        assertThat(refused.statusCode()).isEqualTo(400);
        assertThat(json(refused).path("error").path("code").asInt()).isEqualTo(-32600);
    }

    @Test
    void aToolCallAnsweredAtOnceComesAsJsonAndUnknownToolsAreBlockedButAudited() {
        String id = openSession("2025-06-18");

        HttpResponse<String> response = mcp.post()
                .key(KEY)
                .session(id)
                .header("X-Tollgate-Conversation", "conv-7")
                .body(RawMcp.request(
                        9, "tools/call", "{\"name\":\"payments__issueRefund\",\"arguments\":{\"amount\":5}}"))
                .send();

        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.headers().firstValue("Content-Type").orElseThrow()).startsWith("application/json");
        List<JsonNode> messages = RawMcp.messages(response);
        assertThat(messages).hasSize(1);
        JsonNode result = messages.get(0).path("result");
        assertThat(messages.get(0).path("id").asInt()).isEqualTo(9);
        assertThat(result.path("isError").asBoolean()).isTrue();
        assertThat(result.path("content").get(0).path("text").asString()).contains("payments__issueRefund");
        assertThat(audited).hasSize(1);
        assertThat(audited.get(0).tool().qualified()).isEqualTo("payments.issueRefund");
        assertThat(audited.get(0).conversationId()).contains("conv-7");
        assertThat(audited.get(0).sessionId()).isEqualTo(id);
        assertThat(audited.get(0).agentId()).isEqualTo("tester");
    }

    @Test
    void theGetStreamCarriesMessagesSentToTheSession() throws Exception {
        String id = openSession("2025-06-18");
        HttpResponse<InputStream> stream =
                mcp.client().send(mcp.get().key(KEY).session(id).build(), HttpResponse.BodyHandlers.ofInputStream());
        assertThat(stream.statusCode()).isEqualTo(200);
        assertThat(stream.headers().firstValue("Content-Type").orElseThrow()).startsWith("text/event-stream");

        sessions.find(id)
                .orElseThrow()
                .send(Json.parse("{\"jsonrpc\":\"2.0\",\"method\":\"notifications/tools/list_changed\"}"));

        BufferedReader reader = new BufferedReader(new InputStreamReader(stream.body(), StandardCharsets.UTF_8));
        CompletableFuture<String> data = CompletableFuture.supplyAsync(() -> {
            try {
                String line;
                while ((line = reader.readLine()) != null) {
                    if (line.startsWith("data:")) {
                        return line.substring(5).trim();
                    }
                }
                return "";
            } catch (java.io.IOException e) {
                throw new IllegalStateException(e);
            }
        });
        assertThat(Json.parse(data.get(10, TimeUnit.SECONDS)).path("method").asString())
                .isEqualTo("notifications/tools/list_changed");

        mcp.delete().key(KEY).session(id).send();
        await().atMost(Duration.ofSeconds(10)).until(() -> reader.readLine() == null);
    }
}
