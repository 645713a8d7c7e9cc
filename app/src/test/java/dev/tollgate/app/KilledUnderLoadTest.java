package dev.tollgate.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.tollgate.audit.AuditQuery;
import dev.tollgate.audit.AuditRecord;
import dev.tollgate.audit.AuditStores;
import dev.tollgate.audit.JdbcAuditStore;
import dev.tollgate.testing.AgentClient;
import dev.tollgate.testing.McpTestServer;
import io.modelcontextprotocol.spec.McpSchema;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A real {@code tollgate serve} process killed with SIGKILL while eight agents call through it: afterwards every
 * call an agent saw answered has its record, with the outcome the agent saw, and the chain verifies.
 */
class KilledUnderLoadTest {
    private static final int AGENTS = 8;
    private static final int ANSWERED_BEFORE_KILL = 150;

    @TempDir
    Path dir;

    @Test
    void everyAnsweredCallIsOnRecordAsAnsweredAfterAKill() throws Exception {
        String url = "jdbc:h2:file:" + dir.resolve("audit").toString().replace('\\', '/');
        Path config = dir.resolve("tollgate.yaml");
        Map<String, String> answered = new ConcurrentHashMap<>();
        AtomicBoolean stop = new AtomicBoolean();
        ExecutorService agents = Executors.newFixedThreadPool(AGENTS);
        try (McpTestServer crm = McpTestServer.builder().tools("echo").start()) {
            Files.writeString(
                    config,
                    "audit: { url: \"" + url + "\" }\n"
                            + "servers:\n  crm: { url: \"" + crm.url() + "\" }\n"
                            + "agents:\n  ops: { keys: [\"ops-key\"], roles: [ops] }\n"
                            + "roles:\n  ops: { allow: [\"crm.*\"] }\n");
            try (TollgateProcess tollgate =
                    TollgateProcess.start(Map.of(), "serve", "--config", config.toString(), "--port", "0")) {
                String endpoint = tollgate.readLine(60).substring("listening on ".length());
                for (int a = 0; a < AGENTS; a++) {
                    String name = "agent" + a;
                    agents.submit(() -> callUntilStopped(endpoint, name, answered, stop));
                }
                await().atMost(Duration.ofMinutes(3)).until(() -> answered.size() >= ANSWERED_BEFORE_KILL);
                tollgate.close();
                tollgate.waitFor(30);
            } finally {
                stop.set(true);
                agents.shutdownNow();
                agents.awaitTermination(30, TimeUnit.SECONDS);
            }
        }

        Map<String, AuditRecord> recorded = new HashMap<>();
        try (JdbcAuditStore store = AuditStores.openExisting(url)) {
            store.scan(
                    AuditQuery.builder()
                            .tool("crm.echo")
                            .limit(Integer.MAX_VALUE)
                            .build(),
                    r -> recorded.put(r.arguments().path("text").asString(), r));
        }
        assertThat(answered).hasSizeGreaterThanOrEqualTo(ANSWERED_BEFORE_KILL);
        answered.forEach((text, seen) -> {
            assertThat(recorded).as("the record of " + text).containsKey(text);
            AuditRecord record = recorded.get(text);
            assertThat(record.decision()).isEqualTo("allowed");
            assertThat(record.status()).as("the outcome of " + text).isEqualTo(seen);
        });
        try (TollgateProcess verify = TollgateProcess.start(Map.of(), "audit", "verify", "--db", url)) {
            assertThat(verify.waitFor(120)).as("audit verify's exit code").isZero();
        }
    }

    /** Calls until stopped; keeps the outcome of every call whose answer arrived (calls cut by the kill are not). */
    private static void callUntilStopped(
            String endpoint, String name, Map<String, String> answered, AtomicBoolean stop) {
        try (AgentClient agent = AgentClient.builder(endpoint)
                .bearer("ops-key")
                .requestTimeout(Duration.ofSeconds(30))
                .connect()) {
            for (int i = 0; !stop.get(); i++) {
                String text = name + "-" + i;
                McpSchema.CallToolResult result = agent.call("crm__echo", Map.of("text", text));
                boolean echoed = !Boolean.TRUE.equals(result.isError()) && text.equals(AgentClient.text(result));
                answered.put(text, echoed ? "success" : "error");
            }
        } catch (RuntimeException killed) {
            // The process is gone: the call in flight was never answered.
        }
    }
}
