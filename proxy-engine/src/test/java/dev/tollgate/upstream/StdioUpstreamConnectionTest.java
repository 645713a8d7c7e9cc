package dev.tollgate.upstream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.tollgate.json.Json;
import dev.tollgate.pipeline.AgentChannel;
import dev.tollgate.testing.StdioTestServerMain;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

class StdioUpstreamConnectionTest {

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
    void callsToolsWithTheConfiguredEnvironmentAndRelaysProgress() throws Exception {
        List<JsonNode> related = new CopyOnWriteArrayList<>();
        try (StdioUpstreamConnection connection = StdioUpstreamConnection.connect(
                UpstreamTestConfigs.stdio("payments", StdioTestServerMain.command(), Map.of("PAY_KEY", "pk-secret")))) {
            assertThat(connection
                            .initializeResult()
                            .path("serverInfo")
                            .path("name")
                            .asString())
                    .isEqualTo("tollgate-stdio-test-server");
            assertThat(text(connection.request(
                            "tools/call",
                            call("echo", Map.of("text", "over stdio")),
                            RequestOptions.of(Duration.ofSeconds(10)))))
                    .isEqualTo("over stdio");

            UpstreamResponse seen = connection.request(
                    "tools/call",
                    call("whoami", Map.of("env", List.of("PAY_KEY"))),
                    RequestOptions.of(Duration.ofSeconds(10)));
            assertThat(seen.result()
                            .orElseThrow()
                            .path("structuredContent")
                            .path("env")
                            .path("PAY_KEY")
                            .asString())
                    .isEqualTo("pk-secret");

            ObjectNode params = call("progress", Map.of("steps", 2));
            params.putObject("_meta").put("progressToken", 99);
            UpstreamResponse done = connection.request(
                    "tools/call", params, new RequestOptions(Map.of(), Duration.ofSeconds(10), related::add));
            assertThat(text(done)).isEqualTo("done 2 steps");
            assertThat(related)
                    .hasSize(2)
                    .allSatisfy(m -> assertThat(
                                    m.path("params").path("progressToken").asInt())
                            .isEqualTo(99));
        }
    }

    @Test
    void deathMidCallFailsTheCallAndTheProcessIsRestarted() throws Exception {
        List<UpstreamState> states = new CopyOnWriteArrayList<>();
        try (StdioUpstreamConnection connection = StdioUpstreamConnection.connect(
                UpstreamTestConfigs.stdio("payments", StdioTestServerMain.command(), Map.of()))) {
            connection.onStateChange((server, state, detail) -> states.add(state));
            long firstPid = connection.pid().orElseThrow();
            CompletableFuture<UpstreamResponse> slow = CompletableFuture.supplyAsync(() -> {
                try {
                    return connection.request(
                            "tools/call",
                            call("slow", Map.of("ms", 60_000)),
                            RequestOptions.of(Duration.ofSeconds(90)));
                } catch (UpstreamException e) {
                    throw new IllegalStateException(e);
                }
            });
            await().until(() -> connection.inFlight() == 1);
            ProcessHandle.of(firstPid).orElseThrow().destroyForcibly();

            assertThatThrownBy(slow::get)
                    .isInstanceOf(ExecutionException.class)
                    .cause()
                    .cause()
                    .isInstanceOfSatisfying(UpstreamException.class, e -> {
                        assertThat(e.timedOut()).isFalse();
                        assertThat(e.getMessage()).contains("payments").contains("exited");
                    });

            await().atMost(Duration.ofSeconds(30)).until(connection::isAlive);
            assertThat(connection.pid().orElseThrow()).isNotEqualTo(firstPid);
            assertThat(text(connection.request(
                            "tools/call",
                            call("echo", Map.of("text", "back")),
                            RequestOptions.of(Duration.ofSeconds(10)))))
                    .isEqualTo("back");
            assertThat(states).containsSubsequence(UpstreamState.RECONNECTING, UpstreamState.CONNECTED);
        }
    }

    @Test
    void timeoutSendsCancelledAndTheConnectionStaysUsable() throws Exception {
        try (StdioUpstreamConnection connection = StdioUpstreamConnection.connect(
                UpstreamTestConfigs.stdio("payments", StdioTestServerMain.command(), Map.of()))) {
            assertThatThrownBy(() -> connection.request(
                            "tools/call", call("slow", Map.of("ms", 3_000)), RequestOptions.of(Duration.ofMillis(200))))
                    .isInstanceOfSatisfying(
                            UpstreamException.class,
                            e -> assertThat(e.timedOut()).isTrue());
            assertThat(text(connection.request(
                            "tools/call",
                            call("add", Map.of("a", 1, "b", 1)),
                            RequestOptions.of(Duration.ofSeconds(10)))))
                    .isEqualTo("2");
        }
    }

    @Test
    void aCommandThatCannotStartFailsClearly() {
        assertThatThrownBy(() -> StdioUpstreamConnection.connect(
                        UpstreamTestConfigs.stdio("broken", List.of("/nonexistent/mcp-server-binary"), Map.of())))
                .isInstanceOf(UpstreamException.class)
                .hasMessageContaining("broken")
                .hasMessageContaining("/nonexistent/mcp-server-binary");
    }

    @Test
    void aProcessThatExitsBeforeTheHandshakeFailsClearly() {
        List<String> command = new ArrayList<>(List.of("sh", "-c", "echo not json; exit 3"));
        assertThatThrownBy(
                        () -> StdioUpstreamConnection.connect(UpstreamTestConfigs.stdio("quitter", command, Map.of())))
                .isInstanceOf(UpstreamException.class)
                .hasMessageContaining("quitter")
                .hasMessageContaining("exited with code 3");
    }

    @Test
    void notificationsAndResponsesAreWritten() throws Exception {
        try (StdioUpstreamConnection connection = StdioUpstreamConnection.connect(
                UpstreamTestConfigs.stdio("payments", StdioTestServerMain.command(), Map.of()))) {
            connection.notify("notifications/roots/list_changed", null);
            assertThat(connection
                            .request(
                                    "ping",
                                    null,
                                    new RequestOptions(Map.of(), Duration.ofSeconds(5), AgentChannel.DISCARD))
                            .result())
                    .isPresent();
        }
    }
}
