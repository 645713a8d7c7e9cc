package dev.tollgate.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.tollgate.audit.AuditQuery;
import dev.tollgate.audit.AuditRecord;
import dev.tollgate.json.Json;
import dev.tollgate.testing.EverythingServer;
import dev.tollgate.testing.NodePeer;
import dev.tollgate.testing.NpmPeers;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * Questions an upstream asks mid-call, across eras, with the current TypeScript SDK (v2) on the agent side:
 * server-everything (a 2025-era server that asks with elicitation/create and sampling/createMessage requests) and
 * a TS v2 server that speaks only 2026-07-28 (which asks with input_required results) behind one Tollgate, used by
 * a client pinned to 2026-07-28 and a 2025 client. Every pair calls a tool, answers an elicitation round and a
 * sampling round, and reads a resource; each call with rounds is one audit record listing them.
 */
class EraBridgingTest {
    private static final Path SCRIPTS = Path.of("src/test/node").toAbsolutePath();

    @TempDir
    Path dir;

    private final List<Process> processes = new ArrayList<>();
    private EverythingServer everything;
    private NodePeer modern;
    private TollgateEngine engine;

    @BeforeEach
    void start() {
        everything = EverythingServer.startOnFreePort();
        modern = NodePeer.start(
                NpmPeers.nodeCommand(SCRIPTS.resolve("era-server.mjs"), "modern", "modern"),
                Map.of(),
                dir.resolve("modern-server.log"));
        String config = "listen: 127.0.0.1:0\n"
                + "audit:\n  url: \"jdbc:h2:file:"
                + dir.resolve("audit").toString().replace('\\', '/') + "\"\n"
                + "callTimeout: 5s\n"
                + "servers:\n"
                + "  ev: { url: \"" + everything.url() + "\" }\n"
                + "  modern: { url: \"" + modern.url() + "\" }\n"
                + "agents:\n"
                + "  modern-agent: { keys: [\"modern-key\"], roles: [user] }\n"
                + "  legacy-agent: { keys: [\"legacy-key\"], roles: [user] }\n"
                + "roles:\n"
                + "  user: { allow: [\"ev.*\", \"modern.*\"] }\n";
        engine = TollgateEngine.start(EngineConfigs.write(dir, config));
        await().atMost(Duration.ofSeconds(30))
                .until(() ->
                        engine.upstreams().stream().allMatch(u -> u.state().equals("connected") && u.toolCount() > 0));
    }

    @AfterEach
    void stop() {
        if (engine != null) {
            engine.close();
        }
        processes.forEach(Process::destroy);
        if (modern != null) {
            modern.close();
        }
        if (everything != null) {
            everything.close();
        }
    }

    /** Runs the SDK client of one era against Tollgate and returns what it printed. */
    private JsonNode client(String era, String key) throws Exception {
        List<String> command = NpmPeers.nodeCommand(
                SCRIPTS.resolve("bridge-client.mjs"),
                era,
                engine.endpoint().orElseThrow().toString(),
                key,
                "--call",
                "ev__echo",
                "{\"message\":\"hi from " + era + "\"}",
                "--call",
                "modern__greet",
                "{\"who\":\"" + era + "\"}",
                "--call",
                "ev__trigger-elicitation-request",
                "{}",
                "--call",
                "modern__ask",
                "{}",
                "--call",
                "ev__trigger-sampling-request",
                "{\"prompt\":\"hello\",\"maxTokens\":20}",
                "--call",
                "modern__sample",
                "{}",
                "--read",
                "tollgate://ev/demo://resource/dynamic/text/1",
                "--read",
                "tollgate://modern/note://modern");
        Path log = dir.resolve(era + "-client.log");
        ProcessBuilder builder = new ProcessBuilder(command).redirectError(log.toFile());
        builder.environment().put("MCP_PEERS", NpmPeers.root().toString());
        Process process = builder.start();
        processes.add(process);
        String out = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(process.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(process.exitValue()).as(Files.readString(log)).isZero();
        return Json.parse(out.strip());
    }

    @Test
    void everyClientEraAnswersEveryServerErasQuestionsThroughTollgate() throws Exception {
        for (String era : List.of("modern", "legacy")) {
            JsonNode seen = client(era, era + "-key");
            JsonNode calls = seen.path("calls");
            assertThat(Json.write(calls)).as(era).doesNotContain("\"isError\":true");
            assertThat(calls.path("ev__echo").path("text").asString()).isEqualTo("Echo: hi from " + era);
            assertThat(calls.path("modern__greet").path("text").asString()).isEqualTo("hello " + era + " from modern");
            assertThat(calls.path("ev__trigger-elicitation-request")
                            .path("text")
                            .asString())
                    .as(era + " -> 2025 server, elicitation")
                    .contains("- Name: Ada " + era);
            assertThat(calls.path("modern__ask").path("text").asString())
                    .as(era + " -> 2026 server, elicitation")
                    .isEqualTo("accept Ada " + era + " (state asked-by-modern)");
            assertThat(calls.path("ev__trigger-sampling-request").path("text").asString())
                    .as(era + " -> 2025 server, sampling")
                    .contains("sampled for " + era);
            assertThat(calls.path("modern__sample").path("text").asString())
                    .as(era + " -> 2026 server, sampling")
                    .isEqualTo("sampled: sampled for " + era);
            assertThat(seen.path("asked").size()).as(era).isEqualTo(4);
            assertThat(seen.path("reads")
                            .path("tollgate://ev/demo://resource/dynamic/text/1")
                            .asString())
                    .startsWith("Resource 1:");
            assertThat(seen.path("reads")
                            .path("tollgate://modern/note://modern")
                            .asString())
                    .isEqualTo("the note of modern");
        }
        await().atMost(Duration.ofSeconds(10))
                .until(() -> engine.audit().query(AuditQuery.all()).size() == 12);
        List<AuditRecord> records = engine.audit().query(AuditQuery.all());
        List<String> withRounds = List.of(
                "legacy-agent ev.trigger-elicitation-request elicitation/create",
                "legacy-agent ev.trigger-sampling-request sampling/createMessage",
                "legacy-agent modern.ask elicitation/create",
                "legacy-agent modern.sample sampling/createMessage",
                "modern-agent ev.trigger-elicitation-request elicitation/create",
                "modern-agent ev.trigger-sampling-request sampling/createMessage",
                "modern-agent modern.ask elicitation/create",
                "modern-agent modern.sample sampling/createMessage");
        for (String line : withRounds) {
            String[] parts = line.split(" ");
            assertThat(records)
                    .as(line)
                    .filteredOn(r ->
                            r.agentId().equals(parts[0]) && r.qualifiedTool().equals(parts[1]))
                    .singleElement()
                    .satisfies(r -> {
                        assertThat(r.status()).isEqualTo("success");
                        assertThat(r.decision()).isEqualTo("allowed");
                        assertThat(Json.write(
                                        r.result().orElseThrow().path("_meta").path("tollgate/rounds")))
                                .isEqualTo("[{\"round\":1,\"method\":\"" + parts[2] + "\"}]");
                    });
        }
    }

    /** One stateless 2026-07-28 tools/call by raw HTTP, answered by the JSON-RPC message (the last of an SSE stream). */
    private JsonNode statelessCall(String key, String tool, JsonNode extra) throws Exception {
        ObjectNode params = Json.object();
        params.put("name", tool);
        params.putObject("arguments");
        ObjectNode meta = params.putObject("_meta");
        meta.put("io.modelcontextprotocol/protocolVersion", "2026-07-28");
        meta.putObject("io.modelcontextprotocol/clientCapabilities").putObject("elicitation");
        params.setAll((ObjectNode) extra);
        ObjectNode body = Json.object();
        body.put("jsonrpc", "2.0");
        body.put("id", 7);
        body.put("method", "tools/call");
        body.set("params", params);
        HttpResponse<String> response = HttpClient.newHttpClient()
                .send(
                        HttpRequest.newBuilder(engine.endpoint().orElseThrow())
                                .header("Content-Type", "application/json")
                                .header("Accept", "application/json, text/event-stream")
                                .header("Authorization", "Bearer " + key)
                                .header("MCP-Protocol-Version", "2026-07-28")
                                .header("Mcp-Method", "tools/call")
                                .header("Mcp-Name", tool)
                                .POST(HttpRequest.BodyPublishers.ofString(Json.write(body)))
                                .build(),
                        HttpResponse.BodyHandlers.ofString());
        String last = response.body();
        for (String line : response.body().split("\n")) {
            if (line.startsWith("data:")) {
                last = line.substring(5).strip();
            }
        }
        return Json.parse(last);
    }

    @Test
    void aBridgedStateWorksOnceAndOnlyForTheAgentItWasGivenTo() throws Exception {
        String tool = "ev__trigger-elicitation-request";
        JsonNode first = statelessCall("modern-key", tool, Json.object()).path("result");
        assertThat(first.path("resultType").asString()).isEqualTo("input_required");
        JsonNode asked = first.path("inputRequests").path("tollgate-1");
        assertThat(asked.path("method").asString()).isEqualTo("elicitation/create");
        assertThat(asked.path("params").path("requestedSchema").path("required").toString())
                .isEqualTo("[\"name\"]");
        String state = first.path("requestState").asString();
        assertThat(state).startsWith("tollgate-input.").hasSizeGreaterThan(40);

        ObjectNode answer = Json.object();
        answer.put("requestState", state);
        ObjectNode accepted = answer.putObject("inputResponses").putObject("tollgate-1");
        accepted.put("action", "accept");
        accepted.putObject("content").put("name", "Grace");

        JsonNode otherAgent = statelessCall("legacy-key", tool, answer);
        assertThat(otherAgent.path("error").path("code").asInt()).isEqualTo(-32602);
        assertThat(otherAgent.path("error").path("message").asString())
                .contains("requestState is unknown or has expired");
        ObjectNode invented = answer.deepCopy();
        invented.put("requestState", "tollgate-input.made-up");
        assertThat(statelessCall("modern-key", tool, invented)
                        .path("error")
                        .path("code")
                        .asInt())
                .isEqualTo(-32602);

        JsonNode done = statelessCall("modern-key", tool, answer).path("result");
        assertThat(done.path("resultType").asString()).isEqualTo("complete");
        assertThat(Json.write(done.path("content"))).contains("- Name: Grace");
        assertThat(done.path("_meta").has("tollgate/rounds")).isFalse();
        assertThat(statelessCall("modern-key", tool, answer)
                        .path("error")
                        .path("message")
                        .asString())
                .contains("requestState is unknown or has expired");

        await().atMost(Duration.ofSeconds(10))
                .until(() -> engine.audit().query(AuditQuery.all()).size() == 1);
        AuditRecord record = engine.audit().query(AuditQuery.all()).get(0);
        assertThat(record.agentId()).isEqualTo("modern-agent");
        assertThat(record.status()).isEqualTo("success");
        assertThat(Json.write(record.result().orElseThrow()))
                .contains("Grace")
                .contains("\"tollgate/rounds\":[{\"round\":1,\"method\":\"elicitation/create\"}]");
    }

    @Test
    void aHeldCallWhoseAgentNeverComesBackEndsAtTheCallTimeoutAndItsStateExpires() throws Exception {
        String tool = "ev__trigger-elicitation-request";
        JsonNode first = statelessCall("modern-key", tool, Json.object()).path("result");
        assertThat(first.path("resultType").asString()).isEqualTo("input_required");

        await().atMost(Duration.ofSeconds(30))
                .until(() -> engine.audit().query(AuditQuery.all()).stream()
                        .anyMatch(r -> !r.status().equals("pending")));
        AuditRecord record = engine.audit().query(AuditQuery.all()).get(0);
        assertThat(record.status()).isEqualTo("timeout");
        assertThat(Json.write(record.result().orElseThrow())).contains("elicitation/create");

        ObjectNode late = Json.object();
        late.put("requestState", first.path("requestState").asString());
        late.putObject("inputResponses").putObject("tollgate-1").put("action", "decline");
        // The call ended upstream, so its state no longer continues anything.
        await().atMost(Duration.ofSeconds(10))
                .until(() -> statelessCall("modern-key", tool, late)
                        .path("error")
                        .path("message")
                        .asString("")
                        .contains("requestState is unknown or has expired"));
        assertThat(engine.audit().query(AuditQuery.all())).hasSize(1);
    }
}
