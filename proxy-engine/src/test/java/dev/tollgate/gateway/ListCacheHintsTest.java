package dev.tollgate.gateway;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.tollgate.config.ConfigLoader;
import dev.tollgate.engine.TollgateEngine;
import dev.tollgate.json.Json;
import dev.tollgate.testing.NodePeer;
import dev.tollgate.testing.NpmPeers;
import java.io.IOException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
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
 * Cache hints toward 2026-07-28 agents with real upstreams of both eras (TypeScript SDK v2 servers giving ttlMs
 * 60 000 and 3 600 000 on their lists, an SDK v1 server giving none): a list is private and fresh no longer than
 * the shortest hint of the servers the agent sees, 0 when one of them gave none; a policy reload that changes what
 * an agent sees is heard on its listen stream.
 */
class ListCacheHintsTest {
    private static final String VERSION = "2026-07-28";
    private static final Path SCRIPTS = Path.of("src/test/node").toAbsolutePath();

    @TempDir
    Path dir;

    private final List<NodePeer> peers = new ArrayList<>();
    private final HttpClient http = HttpClient.newHttpClient();
    private TollgateEngine engine;
    private Path config;
    private String servers;

    @BeforeEach
    void start() throws IOException {
        servers = "servers:\n"
                + "  fast: { url: \"" + server("modern", "fast", Map.of("TTL_MS", "60000")) + "\" }\n"
                + "  slow: { url: \"" + server("modern", "slow", Map.of("TTL_MS", "3600000")) + "\" }\n"
                + "  old: { url: \"" + server("legacy", "old", Map.of()) + "\" }\n";
        config = dir.resolve("tollgate.yaml");
        writeConfig("slow.*");
        engine = TollgateEngine.start(new ConfigLoader().load(config));
        await().atMost(Duration.ofSeconds(30))
                .until(() -> engine.upstreams().stream()
                                .filter(upstream -> upstream.toolCount() > 0)
                                .count()
                        == 3);
    }

    @AfterEach
    void stop() {
        if (engine != null) {
            engine.close();
        }
        peers.forEach(NodePeer::close);
    }

    /** The agents: {@code both} sees the two modern servers, {@code mixed} the slow and the old one. */
    private void writeConfig(String watcherAllows) throws IOException {
        Files.writeString(
                config,
                "listen: 127.0.0.1:0\n"
                        + "audit: { url: \"jdbc:h2:file:"
                        + dir.resolve("audit").toString().replace('\\', '/') + "\" }\n"
                        + servers
                        + "agents:\n"
                        + "  both: { keys: [\"both-key\"], roles: [both] }\n"
                        + "  slow-only: { keys: [\"slow-key\"], roles: [slow] }\n"
                        + "  mixed: { keys: [\"mixed-key\"], roles: [mixed] }\n"
                        + "  watcher: { keys: [\"watcher-key\"], roles: [watcher] }\n"
                        + "roles:\n"
                        + "  both: { allow: [\"fast.*\", \"slow.*\"] }\n"
                        + "  slow: { allow: [\"slow.*\"] }\n"
                        + "  mixed: { allow: [\"slow.*\", \"old.*\"] }\n"
                        + "  watcher: { allow: [\"" + watcherAllows + "\"] }\n");
    }

    /** An era server (see era-server.mjs) and its endpoint; {@code TTL_MS} in the environment sets its hint. */
    private String server(String era, String name, Map<String, String> environment) {
        NodePeer peer = NodePeer.start(
                NpmPeers.nodeCommand(SCRIPTS.resolve("era-server.mjs"), era, name),
                environment,
                dir.resolve(name + "-server.log"));
        peers.add(peer);
        return peer.url();
    }

    private HttpRequest request(String key, int id, String method, ObjectNode notifications) {
        ObjectNode body = Json.object();
        body.put("jsonrpc", "2.0").put("id", id).put("method", method);
        ObjectNode params = body.putObject("params");
        if (notifications != null) {
            params.set("notifications", notifications);
        }
        ObjectNode meta = params.putObject("_meta");
        meta.put("io.modelcontextprotocol/protocolVersion", VERSION);
        meta.putObject("io.modelcontextprotocol/clientCapabilities");
        return HttpRequest.newBuilder(engine.endpoint().orElseThrow())
                .header("Content-Type", "application/json")
                .header("Accept", "application/json, text/event-stream")
                .header("Authorization", "Bearer " + key)
                .header("MCP-Protocol-Version", VERSION)
                .header("Mcp-Method", method)
                .POST(HttpRequest.BodyPublishers.ofString(Json.write(body)))
                .build();
    }

    private JsonNode list(String key, String method) throws Exception {
        HttpResponse<String> response = http.send(request(key, 1, method, null), HttpResponse.BodyHandlers.ofString());
        assertThat(response.statusCode()).isEqualTo(200);
        return Json.parse(response.body()).path("result");
    }

    @Test
    void aListIsPrivateAndFreshNoLongerThanTheShortestHintOfTheServersTheAgentSees() throws Exception {
        JsonNode both = list("both-key", "tools/list");
        JsonNode slowOnly = list("slow-key", "tools/list");

        assertThat(both.path("tools").findValuesAsString("name")).contains("fast__greet", "slow__greet");
        assertThat(both.path("cacheScope").asString()).isEqualTo("private");
        assertThat(both.path("ttlMs").asLong()).isPositive().isLessThanOrEqualTo(60_000);
        assertThat(slowOnly.path("ttlMs").asLong()).isGreaterThan(60_000).isLessThanOrEqualTo(3_600_000);
        assertThat(list("both-key", "resources/list").path("ttlMs").asLong())
                .isPositive()
                .isLessThanOrEqualTo(60_000);
    }

    @Test
    void aServerThatGaveNoHintMakesTheListUncacheable() throws Exception {
        JsonNode mixed = list("mixed-key", "tools/list");

        assertThat(mixed.path("tools").findValuesAsString("name")).contains("old__greet", "slow__greet");
        assertThat(mixed.path("ttlMs").asLong()).isZero();
        assertThat(mixed.path("cacheScope").asString()).isEqualTo("private");
    }

    @Test
    void aPolicyReloadThatChangesWhichServersAnAgentSeesIsHeardOnItsListenStream() throws Exception {
        ObjectNode wanted = Json.object()
                .put("toolsListChanged", true)
                .put("resourcesListChanged", true)
                .put("promptsListChanged", true);
        List<JsonNode> heard = new CopyOnWriteArrayList<>();
        HttpResponse<Stream<String>> listen = http.send(
                request("watcher-key", 42, "subscriptions/listen", wanted), HttpResponse.BodyHandlers.ofLines());
        Thread reader = new Thread(() -> listen.body()
                .filter(line -> line.startsWith("data:") && !line.substring(5).isBlank())
                .forEach(line -> heard.add(Json.parse(line.substring(5).strip()))));
        reader.setDaemon(true);
        reader.start();
        await().atMost(Duration.ofSeconds(10)).until(() -> !heard.isEmpty());
        JsonNode before = list("watcher-key", "resources/list");

        writeConfig("fast.*");

        await().atMost(Duration.ofSeconds(20))
                .until(() -> heard.stream()
                        .anyMatch(m -> m.path("method").asString().equals("notifications/resources/list_changed")));
        assertThat(heard.stream().map(m -> m.path("method").asString()))
                .contains("notifications/tools/list_changed", "notifications/prompts/list_changed");
        assertThat(before.path("resources").findValuesAsString("uri").toString())
                .contains("slow");
        assertThat(list("watcher-key", "resources/list")
                        .path("resources")
                        .findValuesAsString("uri")
                        .toString())
                .contains("fast")
                .doesNotContain("slow");
    }
}
