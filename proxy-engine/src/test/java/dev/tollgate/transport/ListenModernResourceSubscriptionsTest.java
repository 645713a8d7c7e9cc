package dev.tollgate.transport;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.tollgate.engine.TollgateEngine;
import dev.tollgate.json.Json;
import dev.tollgate.testing.NodePeer;
import dev.tollgate.testing.NpmPeers;
import dev.tollgate.testing.OneAgentEngine;
import java.net.URI;
import java.net.http.HttpClient;
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
 * A 2026-07-28 agent's {@code subscriptions/listen} with {@code resourceSubscriptions} toward a 2026-07-28-only
 * upstream (TypeScript SDK v2, {@code resources.subscribe} offered): the revision has no
 * {@code resources/subscribe}, so Tollgate passes the URI upstream in its own listen filter, acknowledges it, and
 * relays the upstream's {@code notifications/resources/updated} stamped with the agent's subscription id.
 */
class ListenModernResourceSubscriptionsTest {
    private static final String VERSION = "2026-07-28";
    private static final String NOTE = "tollgate://crm/note://crm";

    @TempDir
    Path dir;

    private NodePeer crm;
    private TollgateEngine engine;
    private RawMcp mcp;
    private final HttpClient http = HttpClient.newHttpClient();

    @BeforeEach
    void start() {
        crm = NodePeer.start(
                NpmPeers.nodeCommand(Path.of("src/test/node/era-server.mjs").toAbsolutePath(), "modern", "crm"),
                Map.of("SUBSCRIBE", "1"),
                dir.resolve("crm-server.log"));
        engine = OneAgentEngine.start(dir, "listen-key", Map.of("crm", crm.url()));
        await().atMost(Duration.ofSeconds(30))
                .until(() -> engine.upstreams().stream().allMatch(u -> u.toolCount() > 0));
        mcp = new RawMcp(engine.endpoint().orElseThrow());
    }

    @AfterEach
    void stop() {
        if (engine != null) {
            engine.close();
        }
        if (crm != null) {
            crm.close();
        }
    }

    @Test
    void updatesOfAModernUpstreamsResourceAreAcknowledgedAndRelayed() throws Exception {
        ObjectNode body = Json.object();
        body.put("jsonrpc", "2.0").put("id", 9).put("method", "subscriptions/listen");
        ObjectNode params = body.putObject("params");
        params.putObject("notifications").putArray("resourceSubscriptions").add(NOTE);
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
        assertThat(acknowledged.path("resourceSubscriptions").toString()).contains(NOTE);

        // Tollgate's upstream listen stream takes the new filter asynchronously: touch until an update gets through.
        URI touch = URI.create(crm.url().replace("/mcp", "/touch"));
        await().atMost(Duration.ofSeconds(20))
                .pollInterval(Duration.ofMillis(500))
                .until(() -> {
                    http.send(HttpRequest.newBuilder(touch).build(), HttpResponse.BodyHandlers.discarding());
                    return heard.stream()
                            .anyMatch(m -> m.path("method").asString().equals("notifications/resources/updated"));
                });
        JsonNode updated = heard.stream()
                .filter(m -> m.path("method").asString().equals("notifications/resources/updated"))
                .findFirst()
                .orElseThrow();
        assertThat(updated.path("params").path("uri").asString()).isEqualTo(NOTE);
        assertThat(updated.path("params")
                        .path("_meta")
                        .path("io.modelcontextprotocol/subscriptionId")
                        .asInt())
                .isEqualTo(9);
    }
}
