package dev.tollgate.auditserver;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.tollgate.audit.AuditQuery;
import dev.tollgate.audit.AuditRecord;
import dev.tollgate.testing.AgentClient;
import dev.tollgate.testing.GovernedPayments;
import io.modelcontextprotocol.spec.McpSchema;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** An agent with the auditor role lists and calls the audit tools through the official SDK client. */
class AuditServerTest {
    @TempDir
    Path dir;

    private GovernedPayments gateway;

    @BeforeEach
    void start() {
        gateway = GovernedPayments.start(
                dir,
                "agents:\n"
                        + "  billing-agent: { keys: [billing-key], roles: [billing] }\n"
                        + "  audit-agent: { keys: [audit-key], roles: [auditor] }\n"
                        + "roles:\n"
                        + "  billing:\n    allow: [\"*\"]\n"
                        + "  auditor:\n    deny: [tollgate.verify_chain]\n"
                        + "auditServer: { roles: [auditor] }\n");
    }

    @AfterEach
    void stop() {
        gateway.close();
    }

    private AgentClient agent(String key) {
        return gateway.agent(key, "conv-audit");
    }

    @Test
    void anAuditorAsksWhichAgentIssuedTheChargesAndSecretsStayRedacted() {
        try (AgentClient billing = agent("billing-key")) {
            assertThat(billing.toolNames())
                    .as("even allow * does not reach the audit server")
                    .noneMatch(name -> name.startsWith("tollgate__"));
            billing.call("payments__charge", Map.of("amount", 120, "cardNumber", "4111111111111111"));
            billing.call("payments__echo", Map.of("text", "hello"));
            McpSchema.CallToolResult refused = billing.call("tollgate__search_calls", Map.of());
            assertThat(refused.isError()).isTrue();
            assertThat(AgentClient.text(refused)).contains("only agents with one of the roles [auditor]");
        }
        await().atMost(Duration.ofSeconds(10)).until(() -> records().size() == 3);

        try (AgentClient auditor = agent("audit-key")) {
            assertThat(auditor.toolNames())
                    .containsExactlyInAnyOrder(
                            "tollgate__search_calls", "tollgate__get_call", "tollgate__conversation");

            McpSchema.CallToolResult found = auditor.call(
                    "tollgate__search_calls", Map.of("tool", "payments.charge", "from", "2020-01-01T00:00:00Z"));

            assertThat(found.isError()).isFalse();
            String text = AgentClient.text(found);
            assertThat(text)
                    .contains("\"agentId\" : \"billing-agent\"")
                    .contains("\"tool\" : \"payments.charge\"")
                    .contains("[REDACTED]")
                    .doesNotContain("4111111111111111");
            @SuppressWarnings("unchecked")
            Map<String, Object> structured = (Map<String, Object>) found.structuredContent();
            assertThat(structured.get("count")).isEqualTo(1);
            long chargeId = records().get(0).id();

            McpSchema.CallToolResult one = auditor.call("tollgate__get_call", Map.of("id", chargeId));
            assertThat(AgentClient.text(one)).contains("receipt-1").doesNotContain("4111111111111111");

            McpSchema.CallToolResult conversation =
                    auditor.call("tollgate__conversation", Map.of("conversation", "conv-audit"));
            assertThat(AgentClient.text(conversation))
                    .contains("payments.charge")
                    .contains("payments.echo");

            McpSchema.CallToolResult bad = auditor.call("tollgate__search_calls", Map.of("from", "last tuesday"));
            assertThat(bad.isError()).isTrue();
            assertThat(AgentClient.text(bad)).contains("ISO-8601");

            McpSchema.CallToolResult denied = auditor.call("tollgate__verify_chain", Map.of());
            assertThat(AgentClient.text(denied)).contains("deny tollgate.verify_chain");
        }
        await().atMost(Duration.ofSeconds(10)).until(() -> records().size() == 8);
        List<AuditRecord> auditCalls = gateway.engine()
                .audit()
                .query(AuditQuery.builder().agent("audit-agent").limit(100).build());
        assertThat(auditCalls)
                .extracting(AuditRecord::qualifiedTool)
                .containsExactly(
                        "tollgate.search_calls",
                        "tollgate.get_call",
                        "tollgate.conversation",
                        "tollgate.search_calls",
                        "tollgate.verify_chain");
        assertThat(auditCalls.get(0).decision()).isEqualTo("allowed");
        assertThat(auditCalls.get(0).rule()).isEqualTo("role auditor allow tollgate.*");
    }

    private List<AuditRecord> records() {
        return gateway.engine().audit().query(AuditQuery.all());
    }
}
