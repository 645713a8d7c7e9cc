package dev.tollgate.transport;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.tollgate.engine.TollgateEngine;
import dev.tollgate.json.Json;
import dev.tollgate.testing.McpTestServer;
import dev.tollgate.testing.OneAgentEngine;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * A 2026-07-28 agent's {@code subscriptions/listen} with {@code resourceSubscriptions}, through a real engine to a
 * real 2025-era upstream (MCP Java SDK): Tollgate subscribes at the upstream for the resources the agent may see,
 * acknowledges exactly those, and relays their updates on the stream, stamped with the subscription id.
 */
class ListenResourceSubscriptionsTest {
    private static final String VERSION = "2026-07-28";
    private static final String README = "tollgate://crm/test://readme";

    @TempDir
    Path dir;

    private McpTestServer crm;
    private McpTestServer hidden;
    private TollgateEngine engine;
    private RawMcp mcp;

    @BeforeEach
    void start() {
        crm = McpTestServer.builder().tools("echo").start();
        hidden = McpTestServer.builder().tools("echo").start();
        engine = OneAgentEngine.start(dir, "listen-key", Map.of("crm", crm.url(), "hidden", hidden.url()));
        mcp = new RawMcp(engine.endpoint().orElseThrow());
    }

    @AfterEach
    void stop() {
        engine.close();
        crm.close();
        hidden.close();
    }

    @Test
    void updatesOfTheResourcesTheAgentMaySeeAreAcknowledgedAndRelayed() throws Exception {
        ObjectNode body = Json.object();
        body.put("jsonrpc", "2.0").put("id", 9).put("method", "subscriptions/listen");
        ObjectNode params = body.putObject("params");
        params.putObject("notifications")
                .putArray("resourceSubscriptions")
                .add(README)
                .add("tollgate://hidden/test://readme");
        params.putObject("_meta")
                .put("io.modelcontextprotocol/protocolVersion", VERSION)
                .putObject("io.modelcontextprotocol/clientCapabilities");
        HttpRequest request = mcp.post()
                .key("listen-key")
                .header("MCP-Protocol-Version", VERSION)
                .header("Mcp-Method", "subscriptions/listen")
                .body(body)
                .build();
        List<JsonNode> heard = new CopyOnWriteArrayList<>();
        HttpResponse<Stream<String>> stream = mcp.client().send(request, HttpResponse.BodyHandlers.ofLines());
        Thread reader = new Thread(() -> stream.body()
                .filter(line -> line.startsWith("data:") && !line.substring(5).isBlank())
                .forEach(line -> heard.add(Json.parse(line.substring(5).strip()))));
        reader.setDaemon(true);
        reader.start();
        await().atMost(Duration.ofSeconds(10)).until(() -> !heard.isEmpty());

        JsonNode acknowledged = heard.get(0).path("params").path("notifications");
        assertThat(acknowledged.path("resourceSubscriptions").toString())
                .contains(README)
                .doesNotContain("hidden");

        crm.resourceUpdated("test://readme");

        await().atMost(Duration.ofSeconds(10))
                .until(() -> heard.stream()
                        .anyMatch(m -> m.path("method").asString().equals("notifications/resources/updated")));
        JsonNode updated = heard.stream()
                .filter(m -> m.path("method").asString().equals("notifications/resources/updated"))
                .findFirst()
                .orElseThrow();
        assertThat(updated.path("params").path("uri").asString()).isEqualTo(README);
        assertThat(updated.path("params")
                        .path("_meta")
                        .path("io.modelcontextprotocol/subscriptionId")
                        .asInt())
                .isEqualTo(9);
    }
}
