package dev.tollgate.transport;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.tollgate.audit.AuditQuery;
import dev.tollgate.audit.AuditRecord;
import dev.tollgate.config.ConfigLoader;
import dev.tollgate.engine.TollgateEngine;
import dev.tollgate.testing.McpTestServer;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;

/** Session limits over real HTTP: a cap per agent and in all with a clear refusal, and audited idle expiry. */
class SessionLimitsTest {
    @TempDir
    Path dir;

    private McpTestServer crm;
    private TollgateEngine engine;
    private RawMcp raw;

    private void start(String limits) throws Exception {
        crm = McpTestServer.builder().tools("echo").start();
        Path config = dir.resolve("tollgate.yaml");
        Files.writeString(
                config,
                "listen: 127.0.0.1:0\n" + limits
                        + "audit: { url: \"jdbc:h2:file:"
                        + dir.resolve("audit").toString().replace('\\', '/') + "\" }\n"
                        + "servers:\n  crm: { url: \"" + crm.url() + "\" }\n"
                        + "agents:\n  desk: { keys: [\"desk-key\"], roles: [desk] }\n"
                        + "  ops: { keys: [\"ops-key\"], roles: [desk] }\n"
                        + "roles:\n  desk: { allow: [\"crm.*\"] }\n");
        engine = TollgateEngine.start(new ConfigLoader().load(config));
        raw = new RawMcp(engine.endpoint().orElseThrow());
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

    private HttpResponse<String> initialize(String key) {
        return raw.post().key(key).body(RawMcp.initialize("2025-06-18")).send();
    }

    private static String session(HttpResponse<String> response) {
        return response.headers().firstValue("Mcp-Session-Id").orElseThrow();
    }

    @Test
    void anAgentOverItsSessionLimitGets429WithAJsonRpcErrorAndMayOpenOneAfterEndingAnother() throws Exception {
        start("maxSessionsPerAgent: 2\nmaxSessions: 3\n");
        String first = session(initialize("desk-key"));
        initialize("desk-key");

        HttpResponse<String> refused = initialize("desk-key");
        assertThat(refused.statusCode()).isEqualTo(429);
        JsonNode error = RawMcp.messages(refused).get(0).path("error");
        assertThat(error.path("code").asInt()).isEqualTo(-32000);
        assertThat(error.path("message").asString()).contains("desk", "maxSessionsPerAgent", "DELETE");

        assertThat(initialize("ops-key").statusCode()).isEqualTo(200);
        HttpResponse<String> full = initialize("ops-key");
        assertThat(full.statusCode()).isEqualTo(503);
        assertThat(RawMcp.messages(full).get(0).path("error").path("message").asString())
                .contains("maxSessions");

        assertThat(raw.delete().key("desk-key").session(first).send().statusCode())
                .isEqualTo(200);
        assertThat(initialize("desk-key").statusCode()).isEqualTo(200);
    }

    @Test
    void anIdleSessionExpiresIsAuditedAsEndedAndItsIdIsThenUnknown() throws Exception {
        start("sessionIdleTimeout: 1s\n");
        String session = session(initialize("desk-key"));

        await().atMost(Duration.ofSeconds(20))
                .until(() -> engine.audit().query(AuditQuery.all()).stream()
                        .anyMatch(r -> r.qualifiedTool().equals("tollgate.sessionEnded")));
        List<AuditRecord> ended = engine.audit().query(AuditQuery.all()).stream()
                .filter(r -> r.qualifiedTool().equals("tollgate.sessionEnded"))
                .toList();
        assertThat(ended).singleElement().satisfies(r -> {
            assertThat(r.agentId()).isEqualTo("desk");
            assertThat(r.sessionId()).isEqualTo(session);
            assertThat(r.arguments().path("reason").asString()).isEqualTo("idle timeout");
        });
        HttpResponse<String> late = raw.post()
                .key("desk-key")
                .session(session)
                .header("MCP-Protocol-Version", "2025-06-18")
                .body(RawMcp.request(2, "tools/list", "{}"))
                .send();
        assertThat(late.statusCode()).isEqualTo(404);
    }
}
