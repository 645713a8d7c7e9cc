package dev.tollgate.conformance;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.tollgate.audit.AuditQuery;
import dev.tollgate.audit.AuditRecord;
import dev.tollgate.config.ConfigLoader;
import dev.tollgate.engine.TollgateEngine;
import dev.tollgate.engine.UpstreamStatus;
import dev.tollgate.json.Json;
import dev.tollgate.testing.NpmPeers;
import java.io.IOException;
import java.net.Socket;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * A 2026-07-28 multi-round-trip call through Tollgate to the conformance reference server: the rounds pass
 * through with their {@code requestState} returned unchanged and are one call (one audit record listing the
 * rounds, counted once by the loop breaker), while a state the agent invents is a new call.
 */
class MultiRoundCallTest {
    private static final String TOOL = "test_input_required_result_multi_round";

    @TempDir
    Path dir;

    private Process server;
    private TollgateEngine engine;
    private final HttpClient http = HttpClient.newHttpClient();

    @AfterEach
    void stop() {
        if (engine != null) {
            engine.close();
        }
        if (server != null) {
            server.destroy();
        }
    }

    private void start() throws IOException {
        int port = NpmPeers.freePort();
        ProcessBuilder builder = new ProcessBuilder(NpmPeers.nodeCommand(
                        NpmPeers.module("tsx", "dist/cli.mjs"),
                        referenceServerScript().toString()))
                .redirectErrorStream(true)
                .redirectOutput(dir.resolve("server.log").toFile());
        builder.environment().put("PORT", Integer.toString(port));
        server = builder.start();
        await().atMost(Duration.ofSeconds(60)).until(() -> listening(port));
        Path file = dir.resolve("tollgate.yaml");
        Files.writeString(
                file,
                "listen: 127.0.0.1:0\n"
                        + "audit:\n  url: \"jdbc:h2:file:"
                        + dir.resolve("audit").toString().replace('\\', '/') + "\"\n"
                        + "servers:\n  ev: { url: \"http://127.0.0.1:" + port + "/mcp\" }\n"
                        + "agents:\n  agent: { keys: [\"key\"], roles: [all] }\n"
                        + "roles:\n  all:\n    allow: [\"*\"]\n"
                        + "loopBreaker: { maxRepeats: 1, window: 10m }\n");
        engine = TollgateEngine.start(new ConfigLoader().load(file));
        await().atMost(Duration.ofSeconds(30))
                .until(() -> engine.upstreams().stream()
                                .mapToInt(UpstreamStatus::toolCount)
                                .sum()
                        > 0);
    }

    private static boolean listening(int port) {
        try (Socket ignored = new Socket("127.0.0.1", port)) {
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    private JsonNode call(int id, JsonNode inputResponses, String requestState) throws Exception {
        ObjectNode params = Json.object();
        params.put("name", "ev__" + TOOL);
        params.putObject("arguments");
        ObjectNode meta = params.putObject("_meta");
        meta.put("io.modelcontextprotocol/protocolVersion", "2026-07-28");
        meta.putObject("io.modelcontextprotocol/clientCapabilities").putObject("elicitation");
        if (inputResponses != null) {
            params.set("inputResponses", inputResponses);
        }
        if (requestState != null) {
            params.put("requestState", requestState);
        }
        ObjectNode body = Json.object();
        body.put("jsonrpc", "2.0").put("id", id).put("method", "tools/call");
        body.set("params", params);
        HttpRequest request = HttpRequest.newBuilder(engine.endpoint().orElseThrow())
                .header("Content-Type", "application/json")
                .header("Accept", "application/json, text/event-stream")
                .header("Authorization", "Bearer key")
                .header("MCP-Protocol-Version", "2026-07-28")
                .header("Mcp-Method", "tools/call")
                .header("Mcp-Name", "ev__" + TOOL)
                .POST(HttpRequest.BodyPublishers.ofString(Json.write(body)))
                .build();
        HttpResponse<String> response = http.send(request, HttpResponse.BodyHandlers.ofString());
        assertThat(response.statusCode()).isEqualTo(200);
        return Json.parse(response.body()).path("result");
    }

    private static JsonNode accepted(String step, String field, String value) {
        ObjectNode responses = Json.object();
        ObjectNode answer = responses.putObject(step);
        answer.put("action", "accept");
        answer.putObject("content").put(field, value);
        return responses;
    }

    @Test
    void laterRoundsPassAsOneCallAndAnInventedStateDoesNot() throws Exception {
        start();
        JsonNode first = call(1, null, null);
        assertThat(first.path("resultType").asString()).isEqualTo("input_required");
        assertThat(first.path("inputRequests").has("step1")).isTrue();

        JsonNode second = call(
                2, accepted("step1", "name", "Ada"), first.path("requestState").asString());
        assertThat(second.path("resultType").asString()).isEqualTo("input_required");
        assertThat(second.path("inputRequests").has("step2")).isTrue();

        JsonNode third = call(
                3,
                accepted("step2", "color", "teal"),
                second.path("requestState").asString());
        assertThat(third.path("resultType").asString()).isEqualTo("complete");
        assertThat(third.path("content").get(0).path("text").asString())
                .isEqualTo("Multi-round complete for Ada who likes teal");

        JsonNode invented = call(4, accepted("step2", "color", "red"), "{\"round\":2,\"name\":\"Eve\"}");
        assertThat(invented.path("isError").asBoolean()).isTrue();
        assertThat(invented.path("content").get(0).path("text").asString()).contains("loop");

        await().atMost(Duration.ofSeconds(10))
                .until(() -> engine.audit().query(AuditQuery.all()).size() == 2);
        List<AuditRecord> records = engine.audit().query(AuditQuery.all());
        assertThat(records).extracting(AuditRecord::decision).containsExactlyInAnyOrder("allowed", "blocked");
        assertThat(records)
                .filteredOn(r -> r.decision().equals("allowed"))
                .singleElement()
                .satisfies(r -> assertThat(Json.write(
                                r.result().orElseThrow().path("_meta").path("tollgate/rounds")))
                        .isEqualTo("[{\"round\":1,\"method\":\"elicitation/create\"},"
                                + "{\"round\":2,\"method\":\"elicitation/create\"}]"));
    }

    /** The reference server from beside the repository; without it the suite has nothing to compare against. */
    private static Path referenceServerScript() {
        Optional<Path> script = NpmPeers.conformanceServer();
        Assumptions.assumeTrue(
                script.isPresent(),
                "the conformance reference server is not reachable: expected shared/peers/conformance-server beside"
                        + " the repository, or TOLLGATE_CONFORMANCE_SERVER");
        return script.orElseThrow();
    }
}
