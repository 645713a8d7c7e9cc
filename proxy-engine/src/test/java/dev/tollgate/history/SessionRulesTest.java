package dev.tollgate.history;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.tollgate.audit.AuditQuery;
import dev.tollgate.audit.AuditRecord;
import dev.tollgate.testing.AgentClient;
import dev.tollgate.testing.GovernedPayments;
import io.modelcontextprotocol.spec.McpSchema;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Conditions over earlier calls of the session and conversation, through a real engine, SDK server and client. */
class SessionRulesTest {
    private static final String KEY = "billing-key";

    @TempDir
    Path dir;

    private GovernedPayments gateway;

    @BeforeEach
    void start() {
        gateway = GovernedPayments.start(
                dir,
                "agents:\n  billing-agent: { keys: [\"" + KEY + "\"], roles: [billing] }\n"
                        + "roles:\n"
                        + "  billing:\n"
                        + "    allow: [\"payments.*\"]\n"
                        + "    deny:\n"
                        + "      - { tool: payments.charge,"
                        + " when: 'session.sum(\"payments.charge\", \"amount\") + double(args.amount) > 500' }\n"
                        + "      - { tool: payments.echo, when: 'conversation.count(\"payments.charge\") >= 2' }\n"
                        + "loopBreaker: { enabled: false }\n");
    }

    @AfterEach
    void stop() {
        gateway.close();
    }

    private AgentClient agent(String conversation) {
        return gateway.agent(KEY, conversation);
    }

    @Test
    void aSessionSumRuleBlocksTheCallThatWouldCrossTheTotal() {
        try (AgentClient agent = agent("conv-1")) {
            assertThat(agent.call("payments__charge", Map.of("amount", 200)).isError())
                    .isFalse();
            assertThat(agent.call("payments__charge", Map.of("amount", 250)).isError())
                    .isFalse();

            McpSchema.CallToolResult crossing = agent.call("payments__charge", Map.of("amount", 60));

            assertThat(crossing.isError()).isTrue();
            assertThat(AgentClient.text(crossing)).contains("session.sum").contains("payments.charge");
            assertThat(agent.call("payments__charge", Map.of("amount", 50)).isError())
                    .isFalse();
        }
        assertThat(gateway.payments().chargeCount()).isEqualTo(3);
        await().atMost(Duration.ofSeconds(10)).until(() -> records().size() == 4);
        assertThat(records().get(2).decision()).isEqualTo("blocked");
        assertThat(records().get(2).rule()).contains("session.sum");
    }

    @Test
    void aNewSessionStartsItsOwnTotalButAConversationSpansSessions() {
        try (AgentClient first = agent("conv-7")) {
            assertThat(first.call("payments__charge", Map.of("amount", 400)).isError())
                    .isFalse();
        }
        try (AgentClient second = agent("conv-7")) {
            assertThat(second.call("payments__charge", Map.of("amount", 400)).isError())
                    .isFalse();

            McpSchema.CallToolResult echo = second.call("payments__echo", Map.of("text", "hi"));

            assertThat(echo.isError()).isTrue();
            assertThat(AgentClient.text(echo)).contains("conversation.count");
        }
        try (AgentClient other = agent("conv-8")) {
            assertThat(other.call("payments__echo", Map.of("text", "hi")).isError())
                    .isFalse();
        }
    }

    @Test
    void aRestartedEngineRemembersTheConversationFromTheAuditStore() throws IOException {
        try (AgentClient first = agent("conv-9")) {
            first.call("payments__charge", Map.of("amount", 10));
            first.call("payments__charge", Map.of("amount", 10));
        }
        await().atMost(Duration.ofSeconds(10)).until(() -> records().size() == 2);
        gateway.restartEngine();
        try (AgentClient again = agent("conv-9")) {
            assertThat(again.call("payments__echo", Map.of("text", "hi")).isError())
                    .isTrue();
        }
    }

    private List<AuditRecord> records() {
        return gateway.engine().audit().query(AuditQuery.all());
    }
}
