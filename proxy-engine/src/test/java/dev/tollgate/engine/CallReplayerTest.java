package dev.tollgate.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.tollgate.audit.AuditQuery;
import dev.tollgate.audit.AuditRecord;
import dev.tollgate.testing.AgentClient;
import dev.tollgate.testing.McpTestServer;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Recorded calls re-sent through a real Tollgate to a real MCP server: governed and audited like any call. */
class CallReplayerTest {
    private static final String KEY = "billing-key-1";

    @TempDir
    Path dir;

    private McpTestServer crm;
    private TollgateEngine engine;

    @BeforeEach
    void start() {
        crm = McpTestServer.builder().tools("echo", "charge").start();
        String config = "listen: 127.0.0.1:0\n"
                + "audit:\n"
                + "  url: \"jdbc:h2:file:" + dir.resolve("audit").toString().replace('\\', '/') + "\"\n"
                + "  redact: [password]\n"
                + "servers:\n"
                + "  crm: { url: \"" + crm.url() + "\" }\n"
                + "agents:\n"
                + "  billing-agent: { keys: [\"" + KEY + "\"], roles: [billing] }\n"
                + "roles:\n"
                + "  billing:\n"
                + "    allow: [\"crm.*\"]\n"
                + "    deny: [\"crm.charge\"]\n"
                + "    limits: { \"crm.echo\": \"5/min\" }\n"
                + "loopBreaker: { maxRepeats: 2, window: 1m, coolDown: 5m }\n";
        engine = TollgateEngine.start(EngineConfigs.write(dir, config));
    }

    @AfterEach
    void stop() {
        engine.close();
        crm.close();
    }

    private AuditRecord recorded(String tool, Map<String, Object> arguments) {
        int before = records().size();
        try (AgentClient agent = AgentClient.builder(
                        engine.endpoint().orElseThrow().toString())
                .bearer(KEY)
                .conversation("conv-7")
                .connect()) {
            agent.call(tool, arguments);
        }
        await().atMost(Duration.ofSeconds(10)).until(() -> records().size() > before);
        return records().get(records().size() - 1);
    }

    private List<AuditRecord> records() {
        return engine.audit().query(AuditQuery.all());
    }

    @Test
    void aRecordedEchoReSentGetsTheSameResultAndIsAuditedAsAReplayInTheSameConversation() {
        AuditRecord original = recorded("crm__echo", Map.of("text", "hello again"));
        CallReplayer replayer = engine.replayer().orElseThrow();

        CallReplayer.Resent resent = replayer.resend(original);

        assertThat(resent.outcome().decision().isBlocked()).isFalse();
        assertThat(resent.outcome().result().path("content").get(0).path("text").asString())
                .isEqualTo("hello again");
        assertThat(original.result()).contains(resent.outcome().result());
        long newId = resent.auditRecordId().orElseThrow();
        assertThat(newId).isGreaterThan(original.id());
        await().atMost(Duration.ofSeconds(10))
                .until(() -> engine.audit().find(newId).orElseThrow().result().isPresent());
        AuditRecord replay = engine.audit().find(newId).orElseThrow();
        assertThat(replay.agentId()).isEqualTo(CallReplayer.AGENT_ID);
        assertThat(replay.qualifiedTool()).isEqualTo("crm.echo");
        assertThat(replay.conversationId()).contains("conv-7");
        assertThat(replay.decision()).isEqualTo("allowed");
        assertThat(replayer.annotations(original).orElseThrow().isReadOnly()).isTrue();
    }

    @Test
    void aReSendCountsAgainstTheOriginalAgentsRateLimit() {
        AuditRecord first = recorded("crm__echo", Map.of("text", "call 0"));
        for (int i = 1; i < 5; i++) {
            assertThat(recorded("crm__echo", Map.of("text", "call " + i)).blocked())
                    .isFalse();
        }

        CallReplayer.Resent resent = engine.replayer().orElseThrow().resend(first);

        assertThat(resent.outcome().decision().isBlocked()).isTrue();
        AuditRecord replay =
                engine.audit().find(resent.auditRecordId().orElseThrow()).orElseThrow();
        assertThat(replay.agentId()).isEqualTo(CallReplayer.AGENT_ID);
        assertThat(replay.rule()).contains("limit crm.echo 5/min");
    }

    @Test
    void aReSendAfterTheOriginalAgentsLoopBreakerTrippedIsStoppedByThatBreaker() {
        AuditRecord first = recorded("crm__echo", Map.of("text", "same"));
        recorded("crm__echo", Map.of("text", "same"));
        assertThat(recorded("crm__echo", Map.of("text", "same")).rule()).startsWith("loop breaker");

        CallReplayer.Resent resent = engine.replayer().orElseThrow().resend(first);

        assertThat(resent.outcome().decision().isBlocked()).isTrue();
        assertThat(engine.audit()
                        .find(resent.auditRecordId().orElseThrow())
                        .orElseThrow()
                        .rule())
                .startsWith("loop breaker");
    }

    @Test
    void reSendingADeniedToolIsBlockedByPolicyAndNeverReachesTheServer() {
        AuditRecord original = recorded("crm__charge", Map.of("amount", 100));
        assertThat(original.blocked()).isTrue();

        CallReplayer.Resent resent = engine.replayer().orElseThrow().resend(original);

        assertThat(resent.outcome().decision().isBlocked()).isTrue();
        assertThat(resent.outcome().result().path("content").get(0).path("text").asString())
                .contains("crm.charge");
        assertThat(crm.chargeCount()).isZero();
        assertThat(engine.audit()
                        .find(resent.auditRecordId().orElseThrow())
                        .orElseThrow()
                        .blocked())
                .isTrue();
        assertThat(engine.replayer()
                        .orElseThrow()
                        .annotations(original)
                        .orElseThrow()
                        .isReadOnly())
                .isFalse();
    }

    @Test
    void aCallWhoseRecordedArgumentsWereRedactedIsRefusedWithAClearMessage() {
        AuditRecord original = recorded("crm__echo", Map.of("text", "hi", "password", "hunter2"));
        int before = records().size();

        assertThatThrownBy(() -> engine.replayer().orElseThrow().resend(original))
                .isInstanceOf(ResendRefusedException.class)
                .hasMessageContaining("redacted");
        assertThat(records()).hasSize(before);
    }

    @Test
    void aReadOnlyEngineHasNoReplayer() {
        assertThat(new ReadOnlyEngine(engine.audit()).replayer()).isEmpty();
    }
}
