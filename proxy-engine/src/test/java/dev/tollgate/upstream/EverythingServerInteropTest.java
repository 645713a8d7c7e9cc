package dev.tollgate.upstream;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tollgate.events.EventBus;
import dev.tollgate.json.Json;
import dev.tollgate.testing.EverythingServer;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * Interoperability with a third-party MCP server, the TypeScript SDK's {@code @modelcontextprotocol/server-everything}
 * (pinned in {@code tools/mcp-peers}, installed by the build), over Streamable HTTP and stdio.
 */
class EverythingServerInteropTest {
    private static ObjectNode call(String tool, Map<String, Object> arguments) {
        ObjectNode params = Json.object();
        params.put("name", tool);
        params.set("arguments", Json.MAPPER.valueToTree(arguments));
        return params;
    }

    @Test
    void streamableHttpServerOfTheTypeScriptSdk() throws Exception {
        List<JsonNode> related = new CopyOnWriteArrayList<>();
        try (EverythingServer everything = EverythingServer.startOnFreePort();
                EventBus events = new EventBus();
                UpstreamRegistry registry = new UpstreamRegistry(
                        List.of(UpstreamTestConfigs.http("everything", everything.url())), events)) {
            registry.start();
            assertThat(registry.tools("everything"))
                    .extracting(UpstreamTool::name)
                    .contains("echo", "trigger-long-running-operation");
            UpstreamConnection connection = registry.connection("everything");
            UpstreamResponse echoed = connection.request(
                    "tools/call", call("echo", Map.of("message", "hi")), RequestOptions.of(Duration.ofSeconds(10)));
            assertThat(echoed.result()
                            .orElseThrow()
                            .path("content")
                            .get(0)
                            .path("text")
                            .asString())
                    .contains("hi");

            ObjectNode longRun = call("trigger-long-running-operation", Map.of("duration", 1, "steps", 2));
            longRun.putObject("_meta").put("progressToken", "interop-1");
            UpstreamResponse done = connection.request(
                    "tools/call", longRun, new RequestOptions(Map.of(), Duration.ofSeconds(20), related::add));
            assertThat(done.result()).isPresent();
            assertThat(related)
                    .filteredOn(m -> m.path("method").asString().equals("notifications/progress"))
                    .hasSize(2);
        }
    }

    @Test
    void stdioServerOfTheTypeScriptSdk() throws Exception {
        try (StdioUpstreamConnection connection = StdioUpstreamConnection.connect(
                UpstreamTestConfigs.stdio("everything", EverythingServer.stdioCommand(), Map.of()))) {
            UpstreamResponse echoed = connection.request(
                    "tools/call",
                    call("echo", Map.of("message", "over stdio")),
                    RequestOptions.of(Duration.ofSeconds(10)));
            assertThat(echoed.result()
                            .orElseThrow()
                            .path("content")
                            .get(0)
                            .path("text")
                            .asString())
                    .contains("over stdio");
        }
    }
}
