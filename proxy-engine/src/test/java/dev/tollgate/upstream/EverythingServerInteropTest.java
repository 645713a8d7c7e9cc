package dev.tollgate.upstream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.tollgate.events.EventBus;
import dev.tollgate.json.Json;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfEnvironmentVariable;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * Interoperability with a third-party MCP server, the TypeScript SDK's {@code @modelcontextprotocol/server-everything}.
 * Opt-in because it needs Node and the npm package: set {@code MCP_EVERYTHING_DIR} to the package folder
 * (the one holding {@code dist/index.js}).
 */
@EnabledIfEnvironmentVariable(named = "MCP_EVERYTHING_DIR", matches = ".+")
class EverythingServerInteropTest {
    private static final String ENTRY = Path.of(System.getenv().getOrDefault("MCP_EVERYTHING_DIR", "."), "dist",
            "index.js").toString();

    private static ObjectNode call(String tool, Map<String, Object> arguments) {
        ObjectNode params = Json.object();
        params.put("name", tool);
        params.set("arguments", Json.MAPPER.valueToTree(arguments));
        return params;
    }

    private static boolean listening(int port) {
        try (Socket ignored = new Socket("127.0.0.1", port)) {
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    @Test
    void streamableHttpServerOfTheTypeScriptSdk() throws Exception {
        int port;
        try (ServerSocket probe = new ServerSocket(0)) {
            port = probe.getLocalPort();
        }
        ProcessBuilder builder = new ProcessBuilder("node", ENTRY, "streamableHttp").redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.DISCARD);
        builder.environment().put("PORT", Integer.toString(port));
        Process node = builder.start();
        List<JsonNode> related = new CopyOnWriteArrayList<>();
        try (EventBus events = new EventBus()) {
            int listeningPort = port;
            await().atMost(Duration.ofSeconds(30)).until(() -> listening(listeningPort));
            try (UpstreamRegistry registry = new UpstreamRegistry(List.of(UpstreamTestConfigs.http("everything",
                    "http://127.0.0.1:" + port + "/mcp")), events)) {
                registry.start();
                assertThat(registry.tools("everything")).extracting(UpstreamTool::name)
                        .contains("echo", "trigger-long-running-operation");
                UpstreamConnection connection = registry.connection("everything");
                UpstreamResponse echoed = connection.request("tools/call", call("echo", Map.of("message", "hi")),
                        RequestOptions.of(Duration.ofSeconds(10)));
                assertThat(echoed.result().orElseThrow().path("content").get(0).path("text").asString()).contains("hi");

                ObjectNode longRun = call("trigger-long-running-operation", Map.of("duration", 1, "steps", 2));
                longRun.putObject("_meta").put("progressToken", "interop-1");
                UpstreamResponse done = connection.request("tools/call", longRun,
                        new RequestOptions(Map.of(), Duration.ofSeconds(20), related::add));
                assertThat(done.result()).isPresent();
                assertThat(related).filteredOn(m -> m.path("method").asString().equals("notifications/progress"))
                        .hasSize(2);
            }
        } finally {
            node.destroy();
        }
    }

    @Test
    void stdioServerOfTheTypeScriptSdk() throws Exception {
        try (StdioUpstreamConnection connection = StdioUpstreamConnection.connect(UpstreamTestConfigs.stdio(
                "everything", List.of("node", ENTRY, "stdio"), Map.of()))) {
            UpstreamResponse echoed = connection.request("tools/call", call("echo", Map.of("message", "over stdio")),
                    RequestOptions.of(Duration.ofSeconds(10)));
            assertThat(echoed.result().orElseThrow().path("content").get(0).path("text").asString())
                    .contains("over stdio");
        }
    }
}
