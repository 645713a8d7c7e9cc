package dev.tollgate.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.tollgate.audit.AuditQuery;
import dev.tollgate.audit.AuditRecord;
import dev.tollgate.testing.AgentClient;
import dev.tollgate.testing.McpTestServer;
import io.modelcontextprotocol.spec.McpSchema;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A server's configured credentials reach a real upstream exactly once on every request Tollgate sends it: the
 * session's own traffic (initialize, tools/list, the session after the upstream restarted) as well as the calls
 * agents make; the agent's key never does, and neither the agent nor the audit store ever sees the credentials.
 */
class UpstreamCredentialsTest {
    private static final String TOKEN = "upstream-secret-7f3a9c";
    private static final String API_KEY = "key-b51e0d";

    @TempDir
    Path dir;

    @Test
    void credentialsArriveOnceOnEveryRequestAndGoNowhereElse() {
        McpTestServer crm = McpTestServer.builder().tools("echo").start();
        int port = crm.port();
        String extra = "";
        String config = EngineConfigs.text(dir, crm.url(), extra)
                .replace(
                        "crm: { url: \"" + crm.url() + "\" }",
                        "crm: { url: \"" + crm.url() + "\", headers: { Authorization: \"Bearer " + TOKEN
                                + "\", X-Upstream-Key: \"" + API_KEY + "\" } }");
        TollgateEngine engine = TollgateEngine.start(EngineConfigs.write(dir, config));
        McpTestServer restarted = null;
        try (AgentClient agent =
                AgentClient.connect(engine.endpoint().orElseThrow().toString(), EngineConfigs.BILLING_KEY)) {
            assertThat(agent.toolNames()).contains("crm__echo");
            McpSchema.CallToolResult first = agent.call("crm__echo", Map.of("text", "before"));
            assertThat(AgentClient.text(first)).isEqualTo("before");
            List<McpTestServer.ReceivedRequest> beforeRestart = crm.receivedRequests();
            crm.close();

            // A new upstream process on the same port: Tollgate opens a new session there on its own.
            restarted = McpTestServer.builder().tools("echo").port(port).start();
            McpTestServer upstream = restarted;
            await().atMost(Duration.ofSeconds(30))
                    .untilAsserted(() -> assertThat(AgentClient.text(agent.call("crm__echo", Map.of("text", "after"))))
                            .isEqualTo("after"));

            for (List<McpTestServer.ReceivedRequest> requests : List.of(beforeRestart, upstream.receivedRequests())) {
                assertThat(requests).anySatisfy(r -> assertThat(r.body()).contains("\"initialize\""));
                assertThat(requests).anySatisfy(r -> assertThat(r.body()).contains("\"tools/call\""));
                assertThat(requests).allSatisfy(r -> {
                    // A header sent twice would arrive joined: "Bearer x, Bearer x".
                    assertThat(r.headers()).containsEntry("authorization", "Bearer " + TOKEN);
                    assertThat(r.headers()).containsEntry("x-upstream-key", API_KEY);
                    assertThat(r.headers().values()).noneMatch(v -> v.contains(EngineConfigs.BILLING_KEY));
                });
            }
            assertThat(beforeRestart).anySatisfy(r -> assertThat(r.body()).contains("\"tools/list\""));

            List<AuditRecord> records =
                    engine.audit().query(AuditQuery.builder().tool("crm.echo").build());
            assertThat(records).hasSize(2);
            assertThat(records)
                    .allSatisfy(
                            r -> assertThat(r.toString()).doesNotContain(TOKEN).doesNotContain(API_KEY));
            assertThat(first.toString()).doesNotContain(TOKEN).doesNotContain(API_KEY);
            assertThat(agent.mcp().listTools().toString()).doesNotContain(TOKEN).doesNotContain(API_KEY);
        } finally {
            engine.close();
            crm.close();
            if (restarted != null) {
                restarted.close();
            }
        }
    }
}
