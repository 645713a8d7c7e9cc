package dev.tollgate.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.tollgate.audit.AuditQuery;
import dev.tollgate.config.ConfigLoader;
import dev.tollgate.engine.TollgateEngine;
import dev.tollgate.testing.AgentClient;
import dev.tollgate.testing.McpTestServer;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** {@code tollgate policy shadow-report} over the records a running engine with a shadow candidate wrote. */
class ShadowReportTest {
    @TempDir
    Path dir;

    private final StringWriter out = new StringWriter();
    private final StringWriter err = new StringWriter();

    private int run(String... args) {
        return new CommandLine(new Main())
                .setOut(new PrintWriter(out, true))
                .setErr(new PrintWriter(err, true))
                .execute(args);
    }

    private String config(String url, String extra) {
        return "listen: 127.0.0.1:0\n"
                + "audit: { url: \"jdbc:h2:file:"
                + dir.resolve("audit").toString().replace('\\', '/') + "\" }\n"
                + "servers:\n  payments: { url: \"" + url + "\" }\n"
                + "agents:\n  billing-agent: { keys: [billing-key], roles: [billing] }\n"
                + "roles:\n  billing:\n    allow: [\"payments.*\"]\n"
                + extra;
    }

    @Test
    void theReportCountsAndListsWhereTheCandidateWouldHaveBlocked() throws Exception {
        Path config = dir.resolve("tollgate.yaml");
        try (McpTestServer payments =
                McpTestServer.builder().serverName("payments").tools("charge").start()) {
            Files.writeString(
                    dir.resolve("candidate.yaml"),
                    config(payments.url(), "    deny: [{ tool: payments.charge, when: \"args.amount > 100\" }]\n"));
            Files.writeString(config, config(payments.url(), "shadow: candidate.yaml\n"));
            try (TollgateEngine engine = TollgateEngine.start(new ConfigLoader().load(config));
                    AgentClient agent =
                            AgentClient.connect(engine.endpoint().orElseThrow().toString(), "billing-key")) {
                agent.call("payments__charge", Map.of("amount", 40));
                agent.call("payments__charge", Map.of("amount", 400));
                await().atMost(Duration.ofSeconds(10))
                        .until(() -> engine.audit().count(AuditQuery.all()) == 2);
            }
        }

        assertThat(run("policy", "shadow-report", "--config", config.toString()))
                .isZero();

        assertThat(out.toString())
                .contains("Shadow candidate.yaml disagreed on 1 of 2 recorded calls.")
                .contains("1 the running policy allowed would be blocked; 0 it blocked would be allowed.")
                .containsPattern("billing-agent\\s+payments\\.charge\\s+1\\s+0")
                .contains("candidate: blocked by role billing deny payments.charge when args.amount > 100");
        assertThat(run("audit", "query", "--config", config.toString(), "--format", "json"))
                .isZero();
        assertThat(out.toString())
                .contains("\"shadowDecision\":\"blocked\"")
                .contains("\"shadowRule\":\"role billing deny payments.charge when args.amount > 100\"");
        assertThat(run("policy", "shadow-report", "--config", config.toString(), "--from", "2099-01-01T00:00:00Z"))
                .isZero();
        assertThat(out.toString()).contains("disagreed on 0 of 0 recorded calls since 2099-01-01T00:00:00Z.");
    }

    @Test
    void policyCheckReportsTheCandidatesProblemsWithItsLines() throws Exception {
        Files.writeString(dir.resolve("candidate.yaml"), "roles:\n  billing:\n    deny: [{ class: explosive }]\n");
        Path config = dir.resolve("tollgate.yaml");
        Files.writeString(config, config("http://127.0.0.1:1/mcp", "shadow: candidate.yaml\n"));

        assertThat(run("policy", "check", "--config", config.toString())).isEqualTo(1);
        assertThat(err.toString()).contains("candidate.yaml:3: unknown tool class 'explosive'");
    }
}
