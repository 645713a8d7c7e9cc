package dev.tollgate.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.tollgate.audit.AuditQuery;
import dev.tollgate.audit.AuditRecord;
import dev.tollgate.json.Json;
import dev.tollgate.testing.AgentClient;
import dev.tollgate.testing.McpTestServer;
import io.modelcontextprotocol.spec.McpSchema;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/** An agent speaking the stateless 2026-07-28 revision on the wire, beside a 2025-era agent, through a real Tollgate. */
class ModernAgentTest {
    private static final String VERSION = "2026-07-28";

    @TempDir
    Path dir;

    private McpTestServer crm;
    private TollgateEngine engine;
    private final HttpClient http = HttpClient.newHttpClient();

    @BeforeEach
    void start() {
        crm = McpTestServer.builder().tools("echo", "add", "charge").start();
        engine = TollgateEngine.start(EngineConfigs.write(dir, EngineConfigs.text(dir, crm.url(), "")));
    }

    @AfterEach
    void stop() {
        engine.close();
        crm.close();
    }

    private static ObjectNode params(String method, Map<String, Object> fields) {
        ObjectNode params = Json.MAPPER.valueToTree(fields);
        ObjectNode meta = params.putObject("_meta");
        meta.put("io.modelcontextprotocol/protocolVersion", VERSION);
        meta.putObject("io.modelcontextprotocol/clientCapabilities");
        meta.putObject("io.modelcontextprotocol/clientInfo")
                .put("name", "raw-test")
                .put("version", "1");
        return params;
    }

    private static Map<String, String> headers(String method, String name) {
        Map<String, String> headers = new LinkedHashMap<>();
        headers.put("MCP-Protocol-Version", VERSION);
        headers.put("Mcp-Method", method);
        if (name != null) {
            headers.put("Mcp-Name", name);
        }
        return headers;
    }

    private HttpResponse<String> post(int id, String method, JsonNode params, Map<String, String> headers) {
        ObjectNode body = Json.object();
        body.put("jsonrpc", "2.0");
        body.put("id", id);
        body.put("method", method);
        body.set("params", params);
        HttpRequest.Builder request = HttpRequest.newBuilder(engine.endpoint().orElseThrow())
                .header("Content-Type", "application/json")
                .header("Accept", "application/json, text/event-stream")
                .header("Authorization", "Bearer " + EngineConfigs.BILLING_KEY)
                .POST(HttpRequest.BodyPublishers.ofString(Json.write(body)));
        headers.forEach(request::header);
        try {
            return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw new IllegalStateException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** The JSON-RPC message of a JSON answer, or the last one of an SSE answer. */
    private static JsonNode answer(HttpResponse<String> response) {
        String body = response.body();
        if (response.headers().firstValue("Content-Type").orElse("").startsWith("text/event-stream")) {
            String last = null;
            for (String line : body.split("\n")) {
                if (line.startsWith("data:")) {
                    last = line.substring(5).strip();
                }
            }
            return Json.parse(last);
        }
        return Json.parse(body);
    }

    private List<AuditRecord> records() {
        return engine.audit().query(AuditQuery.all());
    }

    @Test
    void discoverAnswersWithoutAHandshakeNamingTheRevisionTheCapabilitiesAndTollgate() {
        HttpResponse<String> response =
                post(1, "server/discover", params("server/discover", Map.of()), headers("server/discover", null));

        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.headers().firstValue("Mcp-Session-Id")).isEmpty();
        JsonNode result = answer(response).path("result");
        assertThat(result.path("supportedVersions").toString()).contains(VERSION);
        assertThat(result.path("capabilities").has("tools")).isTrue();
        assertThat(result.path("_meta")
                        .path("io.modelcontextprotocol/serverInfo")
                        .path("name")
                        .asString())
                .isEqualTo("tollgate");
        assertThat(result.path("resultType").asString()).isEqualTo("complete");
    }

    @Test
    void listsAndCallsAreStatelessGovernedAndMarkedCompleteWithPrivateCacheHints() {
        JsonNode list = answer(post(2, "tools/list", params("tools/list", Map.of()), headers("tools/list", null)))
                .path("result");
        assertThat(list.path("tools").findValuesAsString("name"))
                .contains("crm__add")
                .doesNotContain("crm__charge");
        assertThat(list.path("cacheScope").asString()).isEqualTo("private");
        assertThat(list.path("ttlMs").isNumber()).isTrue();

        HttpResponse<String> call = post(
                3,
                "tools/call",
                params("tools/call", Map.of("name", "crm__add", "arguments", Map.of("a", 2, "b", 3))),
                headers("tools/call", "crm__add"));
        JsonNode result = answer(call).path("result");
        assertThat(answer(call).path("id").asInt()).isEqualTo(3);
        assertThat(result.path("content").get(0).path("text").asString()).isEqualTo("5");
        assertThat(result.path("resultType").asString()).isEqualTo("complete");

        await().atMost(Duration.ofSeconds(10)).until(() -> records().size() == 1);
        AuditRecord record = records().get(0);
        assertThat(record.qualifiedTool()).isEqualTo("crm.add");
        assertThat(record.agentId()).isEqualTo("billing-agent");
        assertThat(record.decision()).isEqualTo("allowed");
    }

    @Test
    void aNameHeaderThatDisagreesWithTheBodyIsRefusedBeforePolicyAndAuditedAsBlocked() {
        HttpResponse<String> response = post(
                7,
                "tools/call",
                params("tools/call", Map.of("name", "crm__charge", "arguments", Map.of("amount", 100))),
                headers("tools/call", "crm__echo"));

        assertThat(response.statusCode()).isEqualTo(400);
        JsonNode error = answer(response);
        assertThat(error.path("id").asInt()).isEqualTo(7);
        assertThat(error.path("error").path("code").asInt()).isEqualTo(-32020);
        assertThat(crm.chargeCount()).isZero();
        await().atMost(Duration.ofSeconds(10)).until(() -> records().size() == 1);
        AuditRecord record = records().get(0);
        assertThat(record.qualifiedTool()).isEqualTo("crm.charge");
        assertThat(record.agentId()).isEqualTo("billing-agent");
        assertThat(record.decision()).isEqualTo("blocked");
        assertThat(record.rule()).isEqualTo("header mismatch");
    }

    @Test
    void aMethodHeaderThatDisagreesIsRefusedToo() {
        HttpResponse<String> response = post(
                8,
                "tools/call",
                params("tools/call", Map.of("name", "crm__echo", "arguments", Map.of("text", "x"))),
                headers("tools/list", "crm__echo"));

        assertThat(response.statusCode()).isEqualTo(400);
        assertThat(answer(response).path("error").path("code").asInt()).isEqualTo(-32020);
    }

    @Test
    void envelopeVersionAndMethodErrorsAreTheRevisionsAndEchoTheRequestId() {
        HttpResponse<String> noMeta = post(11, "tools/list", Json.object(), headers("tools/list", null));
        assertThat(noMeta.statusCode()).isEqualTo(400);
        assertThat(answer(noMeta).path("id").asInt()).isEqualTo(11);
        assertThat(answer(noMeta).path("error").path("code").asInt()).isEqualTo(-32602);

        ObjectNode future = params("server/discover", Map.of());
        ((ObjectNode) future.get("_meta")).put("io.modelcontextprotocol/protocolVersion", "2099-01-01");
        Map<String, String> futureHeaders = headers("server/discover", null);
        futureHeaders.put("MCP-Protocol-Version", "2099-01-01");
        HttpResponse<String> unsupported = post(12, "server/discover", future, futureHeaders);
        assertThat(unsupported.statusCode()).isEqualTo(400);
        JsonNode error = answer(unsupported).path("error");
        assertThat(error.path("code").asInt()).isEqualTo(-32022);
        assertThat(error.path("data").path("supported").toString()).contains(VERSION);
        assertThat(error.path("data").path("requested").asString()).isEqualTo("2099-01-01");

        for (String removed : List.of("initialize", "ping", "logging/setLevel", "resources/subscribe")) {
            HttpResponse<String> gone = post(13, removed, params(removed, Map.of()), headers(removed, null));
            assertThat(gone.statusCode()).as(removed).isEqualTo(404);
            assertThat(answer(gone).path("error").path("code").asInt()).isEqualTo(-32601);
            assertThat(answer(gone).path("id").asInt()).isEqualTo(13);
        }
    }

    @Test
    void theSessionEraKeepsWorkingBesideIt() {
        post(1, "server/discover", params("server/discover", Map.of()), headers("server/discover", null));
        try (AgentClient legacy = AgentClient.builder(
                        engine.endpoint().orElseThrow().toString())
                .bearer(EngineConfigs.BILLING_KEY)
                .connect()) {
            McpSchema.CallToolResult sum = legacy.call("crm__add", Map.of("a", 1, "b", 1));
            assertThat(AgentClient.text(sum)).isEqualTo("2");
        }
    }

    @Test
    void anUnauthenticatedModernRequestWithAgreeingHeadersIsStillUnauthorized() {
        ObjectNode body = Json.object();
        body.put("jsonrpc", "2.0").put("id", 1).put("method", "tools/list");
        body.set("params", params("tools/list", Map.of()));
        HttpRequest.Builder request = HttpRequest.newBuilder(
                        URI.create(engine.endpoint().orElseThrow().toString()))
                .header("Content-Type", "application/json")
                .header("Accept", "application/json, text/event-stream")
                .POST(HttpRequest.BodyPublishers.ofString(Json.write(body)));
        headers("tools/list", null).forEach(request::header);
        try {
            assertThat(http.send(request.build(), HttpResponse.BodyHandlers.ofString())
                            .statusCode())
                    .isEqualTo(401);
        } catch (IOException | InterruptedException e) {
            throw new IllegalStateException(e);
        }
    }

    @Test
    void aListenStreamIsAcknowledgedFirstAndHearsAPolicyReloadThatChangesTheAgentsTools() throws Exception {
        ObjectNode params = params("subscriptions/listen", Map.of());
        params.putObject("notifications").put("toolsListChanged", true).put("resourceSubscriptions", true);
        ObjectNode body = Json.object();
        body.put("jsonrpc", "2.0").put("id", 42).put("method", "subscriptions/listen");
        body.set("params", params);
        HttpRequest.Builder request = HttpRequest.newBuilder(engine.endpoint().orElseThrow())
                .header("Content-Type", "application/json")
                .header("Accept", "application/json, text/event-stream")
                .header("Authorization", "Bearer " + EngineConfigs.BILLING_KEY)
                .POST(HttpRequest.BodyPublishers.ofString(Json.write(body)));
        headers("subscriptions/listen", null).forEach(request::header);
        List<JsonNode> heard = new java.util.concurrent.CopyOnWriteArrayList<>();
        HttpResponse<java.util.stream.Stream<String>> response =
                http.send(request.build(), HttpResponse.BodyHandlers.ofLines());
        Thread reader = new Thread(() -> response.body()
                .filter(line -> line.startsWith("data:"))
                .forEach(line -> heard.add(Json.parse(line.substring(5).strip()))));
        reader.setDaemon(true);
        reader.start();
        await().atMost(Duration.ofSeconds(10)).until(() -> !heard.isEmpty());
        JsonNode ack = heard.get(0);
        assertThat(ack.path("method").asString()).isEqualTo("notifications/subscriptions/acknowledged");
        assertThat(ack.path("params")
                        .path("_meta")
                        .path("io.modelcontextprotocol/subscriptionId")
                        .asInt())
                .isEqualTo(42);
        assertThat(ack.path("params")
                        .path("notifications")
                        .path("toolsListChanged")
                        .asBoolean())
                .isTrue();
        assertThat(ack.path("params").path("notifications").has("resourceSubscriptions"))
                .isFalse();

        EngineConfigs.write(
                dir,
                EngineConfigs.text(dir, crm.url(), "")
                        .replace(
                                "deny: [\"crm.charge\", \"payments.charge\"]",
                                "deny: [\"crm.charge\", \"payments.charge\", \"crm.add\"]"));

        await().atMost(Duration.ofSeconds(20))
                .until(() -> heard.stream()
                        .anyMatch(m -> m.path("method").asString().equals("notifications/tools/list_changed")));
        JsonNode changed = heard.stream()
                .filter(m -> m.path("method").asString().equals("notifications/tools/list_changed"))
                .findFirst()
                .orElseThrow();
        assertThat(changed.path("params")
                        .path("_meta")
                        .path("io.modelcontextprotocol/subscriptionId")
                        .asInt())
                .isEqualTo(42);
    }
}
