package dev.tollgate.history;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.tollgate.audit.AuditQuery;
import dev.tollgate.audit.AuditRecord;
import dev.tollgate.config.ConfigLoader;
import dev.tollgate.engine.TollgateEngine;
import dev.tollgate.testing.AgentClient;
import dev.tollgate.testing.McpTestServer;
import io.modelcontextprotocol.spec.McpSchema;
import java.io.IOException;
import java.nio.file.Files;
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

    private McpTestServer payments;
    private TollgateEngine engine;

    @BeforeEach
    void start() throws IOException {
        payments = McpTestServer.builder()
                .serverName("payments")
                .tools("echo", "charge")
                .start();
        Path config = dir.resolve("tollgate.yaml");
        Files.writeString(
                config,
                "listen: 127.0.0.1:0\n"
                        + "audit: { url: \"jdbc:h2:file:"
                        + dir.resolve("audit").toString().replace('\\', '/') + "\" }\n"
                        + "servers:\n  payments: { url: \"" + payments.url() + "\" }\n"
                        + "agents:\n  billing-agent: { keys: [\"" + KEY + "\"], roles: [billing] }\n"
                        + "roles:\n"
                        + "  billing:\n"
                        + "    allow: [\"payments.*\"]\n"
                        + "    deny:\n"
                        + "      - { tool: payments.charge,"
                        + " when: 'session.sum(\"payments.charge\", \"amount\") + double(args.amount) > 500' }\n"
                        + "      - { tool: payments.echo, when: 'conversation.count(\"payments.charge\") >= 2' }\n"
                        + "loopBreaker: { enabled: false }\n");
        engine = TollgateEngine.start(new ConfigLoader().load(config));
    }

    @AfterEach
    void stop() {
        engine.close();
        payments.close();
    }

    private AgentClient agent(String conversation) {
        return AgentClient.builder(engine.endpoint().orElseThrow().toString())
                .bearer(KEY)
                .conversation(conversation)
                .connect();
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
        assertThat(payments.chargeCount()).isEqualTo(3);
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
        engine.close();
        engine = TollgateEngine.start(new ConfigLoader().load(dir.resolve("tollgate.yaml")));
        try (AgentClient again = agent("conv-9")) {
            assertThat(again.call("payments__echo", Map.of("text", "hi")).isError())
                    .isTrue();
        }
    }

    private List<AuditRecord> records() {
        return engine.audit().query(AuditQuery.all());
    }
}
