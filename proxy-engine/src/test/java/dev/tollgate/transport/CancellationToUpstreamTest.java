package dev.tollgate.transport;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.tollgate.audit.AuditQuery;
import dev.tollgate.audit.AuditRecord;
import dev.tollgate.config.ConfigLoader;
import dev.tollgate.engine.TollgateEngine;
import dev.tollgate.json.Json;
import dev.tollgate.testing.McpTestServer;
import dev.tollgate.testing.StdioTestServerMain;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ArrayNode;

/**
 * An agent cancelling an in-flight {@code tools/call}: the upstream (HTTP and stdio) is told with its own request
 * id, the agent gets no answer, and the audit record says the agent cancelled.
 */
class CancellationToUpstreamTest {
    private static final String KEY = "ops-key";
    private static final String REASON = "user pressed stop";

    @TempDir
    Path dir;

    private McpTestServer crm;
    private TollgateEngine engine;
    private Path paymentsStdin;
    private RawMcp mcp;
    private String session;

    @BeforeEach
    void start() throws Exception {
        crm = McpTestServer.builder().tools("slow").start();
        paymentsStdin = dir.resolve("payments-stdin.jsonl");
        ArrayNode payments = Json.MAPPER.createArrayNode();
        StdioTestServerMain.command("--tools", "slow", "--record", paymentsStdin.toString())
                .forEach(payments::add);
        Path configFile = dir.resolve("tollgate.yaml");
        Files.writeString(
                configFile,
                "listen: 127.0.0.1:0\n"
                        + "audit: { url: \"jdbc:h2:file:"
                        + dir.resolve("audit").toString().replace('\\', '/') + "\" }\n"
                        + "servers:\n"
                        + "  crm: { url: \"" + crm.url() + "\" }\n"
                        + "  payments: { command: " + Json.write(payments) + " }\n"
                        + "agents:\n  ops: { keys: [\"" + KEY + "\"], roles: [ops] }\n"
                        + "roles:\n  ops:\n    allow: [\"crm.*\", \"payments.*\"]\n");
        engine = TollgateEngine.start(new ConfigLoader().load(configFile));
        mcp = new RawMcp(engine.endpoint().orElseThrow());
        HttpResponse<String> init =
                mcp.post().key(KEY).body(RawMcp.initialize("2025-06-18")).send();
        session = init.headers().firstValue("Mcp-Session-Id").orElseThrow();
    }

    @AfterEach
    void stop() {
        engine.close();
        crm.close();
    }

    @Test
    void cancellingACallToAnHttpUpstreamCancelsTheUpstreamRequestAndAuditsIt() throws Exception {
        CompletableFuture<HttpResponse<String>> slow = startSlowCall("crm__slow");
        await().atMost(Duration.ofSeconds(10)).until(() -> crm.receivedMethods().contains("tools/call"));

        cancel();

        assertThat(RawMcp.messages(slow.get(20, TimeUnit.SECONDS))).isEmpty();
        await().atMost(Duration.ofSeconds(10)).until(() -> crm.receivedMethods().contains("notifications/cancelled"));
        List<JsonNode> received = new ArrayList<>();
        crm.receivedRequests().stream()
                .filter(r -> "POST".equals(r.method()))
                .forEach(r -> received.add(Json.parse(r.body())));
        assertUpstreamToldWithItsOwnId(received);
        assertAuditedAsCancelled("crm.slow");
    }

    @Test
    void cancellingACallToAStdioUpstreamCancelsTheUpstreamRequestAndAuditsIt() throws Exception {
        CompletableFuture<HttpResponse<String>> slow = startSlowCall("payments__slow");
        await().atMost(Duration.ofSeconds(20))
                .until(() -> find(stdinLines(), "tools/call").isPresent());

        cancel();

        assertThat(RawMcp.messages(slow.get(20, TimeUnit.SECONDS))).isEmpty();
        await().atMost(Duration.ofSeconds(10))
                .until(() -> find(stdinLines(), "notifications/cancelled").isPresent());
        assertUpstreamToldWithItsOwnId(stdinLines());
        assertAuditedAsCancelled("payments.slow");
    }

    private CompletableFuture<HttpResponse<String>> startSlowCall(String tool) {
        return CompletableFuture.supplyAsync(() -> mcp.post()
                .key(KEY)
                .session(session)
                .body(RawMcp.request("slow-1", "tools/call", "{\"name\":\"" + tool + "\",\"arguments\":{\"ms\":8000}}"))
                .send());
    }

    private void cancel() {
        HttpResponse<String> cancel = mcp.post()
                .key(KEY)
                .session(session)
                .body("{\"jsonrpc\":\"2.0\","
                        + "\"method\":\"notifications/cancelled\",\"params\":{\"requestId\":\"slow-1\",\"reason\":\""
                        + REASON + "\"}}")
                .send();
        assertThat(cancel.statusCode()).isEqualTo(202);
    }

    private static void assertUpstreamToldWithItsOwnId(List<JsonNode> received) {
        JsonNode call = find(received, "tools/call").orElseThrow();
        JsonNode cancelled = find(received, "notifications/cancelled").orElseThrow();
        assertThat(call.path("id").isNumber()).isTrue();
        assertThat(cancelled.path("params").path("requestId")).isEqualTo(call.path("id"));
        assertThat(cancelled.path("params").path("reason").asString()).contains(REASON);
    }

    private void assertAuditedAsCancelled(String tool) {
        await().atMost(Duration.ofSeconds(10))
                .until(() ->
                        engine.audit().query(AuditQuery.all()).stream().anyMatch(r -> !"pending".equals(r.status())));
        AuditRecord record = engine.audit().query(AuditQuery.all()).get(0);
        assertThat(record.qualifiedTool()).isEqualTo(tool);
        assertThat(record.decision()).isEqualTo("allowed");
        assertThat(record.status()).isEqualTo("error");
        assertThat(record.reason()).contains("cancelled by the agent: " + REASON);
    }

    private static Optional<JsonNode> find(List<JsonNode> messages, String method) {
        return messages.stream()
                .filter(m -> method.equals(m.path("method").asString()))
                .findFirst();
    }

    private List<JsonNode> stdinLines() {
        try {
            List<JsonNode> messages = new ArrayList<>();
            String text = Files.exists(paymentsStdin) ? Files.readString(paymentsStdin) : "";
            // Only whole lines: the server may be halfway through copying the next message.
            for (String line : text.substring(0, text.lastIndexOf('\n') + 1).split("\n")) {
                if (!line.isBlank()) {
                    messages.add(Json.parse(line));
                }
            }
            return messages;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
