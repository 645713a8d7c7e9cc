package dev.tollgate.shadow;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.tollgate.audit.AuditQuery;
import dev.tollgate.audit.AuditRecord;
import dev.tollgate.config.ConfigLoader;
import dev.tollgate.engine.TollgateEngine;
import dev.tollgate.events.EngineEvent;
import dev.tollgate.testing.AgentClient;
import dev.tollgate.testing.McpTestServer;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A shadow candidate decides every call beside the running policy, through a real engine, SDK server and client. */
class ShadowPolicyTest {
    private static final String KEY = "billing-key";

    @TempDir
    Path dir;

    private McpTestServer payments;
    private TollgateEngine engine;
    private final List<EngineEvent> events = new CopyOnWriteArrayList<>();

    private String config(String extra) {
        return "listen: 127.0.0.1:0\n"
                + "audit: { url: \"jdbc:h2:file:"
                + dir.resolve("audit").toString().replace('\\', '/') + "\" }\n"
                + "servers:\n  payments: { url: \"" + payments.url() + "\" }\n"
                + "agents:\n  billing-agent: { keys: [\"" + KEY + "\"], roles: [billing] }\n"
                + "roles:\n  billing:\n    allow: [\"payments.*\"]\n"
                + extra;
    }

    @BeforeEach
    void start() throws IOException {
        payments = McpTestServer.builder()
                .serverName("payments")
                .tools("echo", "charge")
                .start();
        Files.writeString(
                dir.resolve("candidate.yaml"),
                config("    deny: [{ tool: payments.charge, when: \"args.amount > 100\" }]\n"
                        + "    limits: { \"payments.echo\": \"2/min\" }\n"));
        Path file = dir.resolve("tollgate.yaml");
        Files.writeString(file, config("shadow: candidate.yaml\n"));
        engine = TollgateEngine.start(new ConfigLoader().load(file));
        engine.events().subscribe(events::add);
    }

    @AfterEach
    void stop() {
        engine.close();
        payments.close();
    }

    private AgentClient agent() {
        return AgentClient.builder(engine.endpoint().orElseThrow().toString())
                .bearer(KEY)
                .connect();
    }

    @Test
    void disagreementsLandOnTheRecordsAndNothingIsEnforced() {
        try (AgentClient agent = agent()) {
            assertThat(agent.call("payments__charge", Map.of("amount", 50)).isError())
                    .isFalse();
            assertThat(agent.call("payments__charge", Map.of("amount", 500)).isError())
                    .isFalse();
            for (int i = 0; i < 3; i++) {
                assertThat(agent.call("payments__echo", Map.of("text", "t" + i)).isError())
                        .isFalse();
            }
        }
        assertThat(payments.chargeCount()).isEqualTo(2);
        await().atMost(Duration.ofSeconds(10)).until(() -> records().size() == 5);
        List<AuditRecord> records = records();
        assertThat(records).extracting(AuditRecord::decision).containsOnly("allowed");
        assertThat(records.get(0).shadowDecision()).isEmpty();
        assertThat(records.get(1).shadowDecision()).contains("blocked");
        assertThat(records.get(1).shadowRule().orElseThrow()).contains("deny payments.charge when args.amount > 100");
        assertThat(records.get(2).shadowDecision()).isEmpty();
        assertThat(records.get(3).shadowDecision()).isEmpty();
        assertThat(records.get(4).shadowDecision()).contains("blocked");
        assertThat(records.get(4).shadowRule().orElseThrow()).contains("limit payments.echo 2/min");
        await().atMost(Duration.ofSeconds(5))
                .until(() -> events.stream()
                                .filter(e -> e instanceof EngineEvent.ShadowDisagreed)
                                .count()
                        == 2);
    }

    @Test
    void promotingTheCandidateMakesItTheRunningPolicyAndEndsTheShadow() {
        engine.shadow().orElseThrow().promote();

        try (AgentClient agent = agent()) {
            await().atMost(Duration.ofSeconds(10))
                    .until(() -> agent.call("payments__charge", Map.of("amount", 500))
                            .isError());
        }
        assertThat(records()).allSatisfy(r -> assertThat(r.shadowDecision()).isEmpty());
    }

    private List<AuditRecord> records() {
        return engine.audit().query(AuditQuery.all());
    }
}
