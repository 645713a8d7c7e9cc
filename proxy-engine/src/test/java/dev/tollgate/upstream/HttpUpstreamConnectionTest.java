package dev.tollgate.upstream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import com.sun.net.httpserver.HttpServer;
import dev.tollgate.json.Json;
import dev.tollgate.pipeline.AgentChannel;
import dev.tollgate.testing.McpTestServer;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import okhttp3.OkHttpClient;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

class HttpUpstreamConnectionTest {
    private static final OkHttpClient CLIENT = UpstreamHttpClients.defaultClient();

    @AfterAll
    static void shutdownClient() {
        CLIENT.dispatcher().executorService().shutdown();
        CLIENT.connectionPool().evictAll();
    }

    private static ObjectNode call(String tool, Map<String, Object> arguments) {
        ObjectNode params = Json.object();
        params.put("name", tool);
        params.set("arguments", Json.MAPPER.valueToTree(arguments));
        return params;
    }

    private static String text(UpstreamResponse response) {
        return response.result()
                .orElseThrow()
                .path("content")
                .get(0)
                .path("text")
                .asString();
    }

    @Test
    void sseAnswersKeepTheSessionAndProtocolVersion() throws Exception {
        try (McpTestServer upstream = McpTestServer.startDefault();
                HttpUpstreamConnection connection =
                        HttpUpstreamConnection.connect(UpstreamTestConfigs.http("crm", upstream.url()), CLIENT)) {
            assertThat(connection
                            .initializeResult()
                            .path("serverInfo")
                            .path("name")
                            .asString())
                    .isEqualTo("tollgate-test-server");
            assertThat(connection.sessionId()).isPresent();

            UpstreamResponse echoed = connection.request(
                    "tools/call", call("echo", Map.of("text", "over sse")), RequestOptions.of(Duration.ofSeconds(10)));
            assertThat(text(echoed)).isEqualTo("over sse");

            String session = connection.sessionId().orElseThrow();
            List<McpTestServer.ReceivedRequest> afterInit = upstream.receivedRequests()
                    .subList(1, upstream.receivedRequests().size());
            assertThat(afterInit).allSatisfy(r -> {
                assertThat(r.headers()).containsEntry("mcp-session-id", session);
                assertThat(r.headers()).containsEntry("mcp-protocol-version", connection.protocolVersion());
            });
            assertThat(upstream.receivedMethods()).startsWith("initialize", "notifications/initialized");
        }
    }

    @Test
    void jsonAnswersFromAStatelessServer() throws Exception {
        try (McpTestServer upstream = McpTestServer.builder().stateless(true).start();
                HttpUpstreamConnection connection =
                        HttpUpstreamConnection.connect(UpstreamTestConfigs.http("crm", upstream.url()), CLIENT)) {
            assertThat(connection.sessionId()).isEmpty();
            UpstreamResponse sum = connection.request(
                    "tools/call", call("add", Map.of("a", 20, "b", 22)), RequestOptions.of(Duration.ofSeconds(10)));
            assertThat(text(sum)).isEqualTo("42");
            UpstreamResponse unknown =
                    connection.request("tools/call", call("nope", Map.of()), RequestOptions.of(Duration.ofSeconds(10)));
            assertThat(unknown.error().isPresent()
                            || unknown.result().orElseThrow().path("isError").asBoolean())
                    .isTrue();
        }
    }

    @Test
    void progressNotificationsGoToTheRelatedChannel() throws Exception {
        List<JsonNode> related = new CopyOnWriteArrayList<>();
        try (McpTestServer upstream = McpTestServer.startDefault();
                HttpUpstreamConnection connection =
                        HttpUpstreamConnection.connect(UpstreamTestConfigs.http("crm", upstream.url()), CLIENT)) {
            ObjectNode params = call("progress", Map.of("steps", 3));
            params.putObject("_meta").put("progressToken", "agent-token-7");
            UpstreamResponse done = connection.request(
                    "tools/call", params, new RequestOptions(Map.of(), Duration.ofSeconds(10), related::add));
            assertThat(text(done)).isEqualTo("done 3 steps");
            assertThat(related).hasSize(3).allSatisfy(m -> {
                assertThat(m.path("method").asString()).isEqualTo("notifications/progress");
                assertThat(m.path("params").path("progressToken").asString()).isEqualTo("agent-token-7");
            });
        }
    }

    @Test
    void timeoutFailsTheCallAndCancelsItUpstream() throws Exception {
        try (McpTestServer upstream = McpTestServer.startDefault();
                HttpUpstreamConnection connection =
                        HttpUpstreamConnection.connect(UpstreamTestConfigs.http("crm", upstream.url()), CLIENT)) {
            assertThatThrownBy(() -> connection.request(
                            "tools/call", call("slow", Map.of("ms", 5_000)), RequestOptions.of(Duration.ofMillis(300))))
                    .isInstanceOfSatisfying(UpstreamException.class, e -> {
                        assertThat(e.timedOut()).isTrue();
                        assertThat(e.getMessage()).contains("crm").contains("300 ms");
                    });
            await().atMost(Duration.ofSeconds(10))
                    .until(() -> upstream.receivedMethods().contains("notifications/cancelled"));
            String cancel = upstream.receivedRequests().stream()
                    .filter(r -> r.body().contains("notifications/cancelled"))
                    .findFirst()
                    .orElseThrow()
                    .body();
            String slowCall = upstream.receivedRequests().stream()
                    .filter(r -> r.body().contains("\"slow\""))
                    .findFirst()
                    .orElseThrow()
                    .body();
            assertThat(Json.parse(cancel).path("params").path("requestId"))
                    .isEqualTo(Json.parse(slowCall).path("id"));
            assertThat(connection.isAlive()).isTrue();
        }
    }

    @Test
    void injectedHeadersReachTheUpstream() throws Exception {
        try (McpTestServer upstream = McpTestServer.startDefault();
                HttpUpstreamConnection connection = HttpUpstreamConnection.connect(
                        UpstreamTestConfigs.http(
                                "crm",
                                upstream.url(),
                                Map.of("Authorization", "Bearer server-token", "X-Api-Key", "k1")),
                        CLIENT)) {
            UpstreamResponse seen = connection.request(
                    "tools/call",
                    call("whoami", Map.of()),
                    new RequestOptions(
                            Map.of("X-User-Token", "user-42"), Duration.ofSeconds(10), AgentChannel.DISCARD));
            JsonNode headers =
                    seen.result().orElseThrow().path("structuredContent").path("headers");
            assertThat(headers.path("authorization").asString()).isEqualTo("Bearer server-token");
            assertThat(headers.path("x-api-key").asString()).isEqualTo("k1");
            assertThat(headers.path("x-user-token").asString()).isEqualTo("user-42");
        }
    }

    @Test
    void forgottenSessionIsReinitializedOnceAndTheCallRetried() throws Exception {
        try (McpTestServer upstream = McpTestServer.startDefault();
                HttpUpstreamConnection connection =
                        HttpUpstreamConnection.connect(UpstreamTestConfigs.http("crm", upstream.url()), CLIENT)) {
            String first = connection.sessionId().orElseThrow();
            upstream.expireSession(first);
            UpstreamResponse echoed = connection.request(
                    "tools/call", call("echo", Map.of("text", "again")), RequestOptions.of(Duration.ofSeconds(10)));
            assertThat(text(echoed)).isEqualTo("again");
            assertThat(connection.sessionId()).isPresent().get().isNotEqualTo(first);
            assertThat(upstream.receivedMethods().stream().filter("initialize"::equals))
                    .hasSize(2);
        }
    }

    @Test
    void closeDeletesTheSession() throws Exception {
        try (McpTestServer upstream = McpTestServer.startDefault()) {
            HttpUpstreamConnection connection =
                    HttpUpstreamConnection.connect(UpstreamTestConfigs.http("crm", upstream.url()), CLIENT);
            String session = connection.sessionId().orElseThrow();
            connection.close();
            assertThat(upstream.receivedRequests()).anySatisfy(r -> {
                assertThat(r.method()).isEqualTo("DELETE");
                assertThat(r.headers()).containsEntry("mcp-session-id", session);
            });
            assertThat(connection.isAlive()).isFalse();
        }
    }

    @Test
    void nothingListeningFailsTheHandshakeNamingTheServer() throws Exception {
        int port;
        try (ServerSocket probe = new ServerSocket(0)) {
            port = probe.getLocalPort();
        }
        String url = "http://127.0.0.1:" + port + "/mcp";
        assertThatThrownBy(() -> HttpUpstreamConnection.connect(UpstreamTestConfigs.http("ghost", url), CLIENT))
                .isInstanceOf(UpstreamException.class)
                .hasMessageContaining("ghost")
                .hasMessageContaining("unreachable");
    }

    @Test
    void aPortAnsweringGarbageFailsTheHandshakeClearly() throws Exception {
        HttpServer garbage = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        garbage.createContext("/mcp", exchange -> {
            byte[] page = "<html>not an MCP server</html>".getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().add("Content-Type", "text/html");
            exchange.sendResponseHeaders(200, page.length);
            exchange.getResponseBody().write(page);
            exchange.close();
        });
        garbage.start();
        try {
            String url = "http://127.0.0.1:" + garbage.getAddress().getPort() + "/mcp";
            assertThatThrownBy(() -> HttpUpstreamConnection.connect(UpstreamTestConfigs.http("web", url), CLIENT))
                    .isInstanceOf(UpstreamException.class)
                    .hasMessageContaining("web")
                    .hasMessageContaining("text/html");
        } finally {
            garbage.stop(0);
        }
    }
}
