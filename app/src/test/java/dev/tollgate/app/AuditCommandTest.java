package dev.tollgate.app;

import static dev.tollgate.testing.TemporaryAuditStore.call;
import static org.assertj.core.api.Assertions.assertThat;

import dev.tollgate.audit.AuditUnavailableException;
import dev.tollgate.audit.JdbcAuditStore;
import dev.tollgate.json.Json;
import dev.tollgate.pipeline.BlockReason;
import dev.tollgate.pipeline.CallOutcome;
import dev.tollgate.pipeline.CallStatus;
import dev.tollgate.pipeline.Decision;
import dev.tollgate.pipeline.ToolCall;
import dev.tollgate.testing.TemporaryAuditStore;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;

class AuditCommandTest {
    @RegisterExtension
    final TemporaryAuditStore audit = TemporaryAuditStore.create();

    private static final Instant TEN = Instant.parse("2026-11-24T10:00:00Z");
    private long refundAt1015;
    private long refundAt1130;
    private long blockedRefund;

    @BeforeEach
    void recordSomeTraffic() throws Exception {
        JdbcAuditStore store = audit.store();
        refundAt1015 = record(
                store,
                "billing-agent",
                "payments.issueRefund",
                TEN.plusSeconds(900),
                "{\"orderId\":\"A-1\",\"token\":\"secret-value\"}",
                Decision.allowed("role billing", Optional.of("t.yaml:4")),
                CallStatus.SUCCESS);
        record(
                store,
                "billing-agent",
                "crm.getAccount",
                TEN.plusSeconds(1000),
                "{\"id\":7}",
                Decision.allowed("role billing", Optional.empty()),
                CallStatus.TIMEOUT);
        blockedRefund = record(
                store,
                "support-agent",
                "payments.issueRefund",
                TEN.plusSeconds(1200),
                "{}",
                Decision.blocked(
                        BlockReason.POLICY, "deny payments.issueRefund", Optional.of("t.yaml:9"), "no refunds"),
                CallStatus.ERROR);
        refundAt1130 = record(
                store,
                "billing-agent",
                "payments.issueRefund",
                TEN.plusSeconds(5400),
                "{\"orderId\":\"A-2\"}",
                Decision.allowed("role billing", Optional.empty()),
                CallStatus.SUCCESS);
    }

    @Test
    void queryPrintsOneJsonObjectPerMatchingCallWithEveryAuditField() {
        Result r = run(
                "audit",
                "query",
                "--db",
                audit.url(),
                "--agent",
                "billing-agent",
                "--tool",
                "payments.issueRefund",
                "--from",
                "2026-11-24T10:00:00Z",
                "--to",
                "2026-11-24T11:00:00Z");

        assertThat(r.code).isZero();
        List<String> lines = r.out.lines().toList();
        assertThat(lines).hasSize(1);
        JsonNode json = Json.parse(lines.get(0));
        assertThat(json.path("id").asLong()).isEqualTo(refundAt1015);
        assertThat(json.path("timestamp").asString()).isEqualTo("2026-11-24T10:15:00Z");
        assertThat(json.path("agent").asString()).isEqualTo("billing-agent");
        assertThat(json.path("session").asString()).isEqualTo("session-1");
        assertThat(json.path("server").asString()).isEqualTo("payments");
        assertThat(json.path("tool").asString()).isEqualTo("issueRefund");
        assertThat(json.path("arguments").path("orderId").asString()).isEqualTo("A-1");
        assertThat(json.path("arguments").path("token").asString()).isEqualTo("[REDACTED]");
        assertThat(json.path("decision").asString()).isEqualTo("allowed");
        assertThat(json.path("rule").asString()).isEqualTo("role billing");
        assertThat(json.path("ruleSource").asString()).isEqualTo("t.yaml:4");
        assertThat(json.path("status").asString()).isEqualTo("success");
        assertThat(json.path("latencyMs").asDouble()).isEqualTo(8.0);
        assertThat(json.path("responseSize").asLong()).isEqualTo(21);
        assertThat(json.path("conversation").asString()).isEqualTo("conv-1");
        assertThat(json.path("agentId").asString()).isEqualTo("billing-agent");
        assertThat(json.path("sessionId").asString()).isEqualTo("session-1");
        assertThat(json.path("conversationId").asString()).isEqualTo("conv-1");
        assertThat(json.path("prevHash").asString()).hasSize(64);
        assertThat(json.path("hash").asString()).hasSize(64);
        assertThat(json.has("user")).isTrue();
        assertThat(json.has("reason")).isTrue();
    }

    @Test
    void queryFiltersByDecisionStatusGlobAndLimit() {
        assertThat(ids(run("audit", "query", "--db", audit.url(), "--decision", "blocked")))
                .containsExactly(blockedRefund);
        assertThat(ids(run("audit", "query", "--db", audit.url(), "--status", "timeout")))
                .hasSize(1);
        assertThat(ids(run("audit", "query", "--db", audit.url(), "--tool", "payments.*")))
                .hasSize(3);
        assertThat(ids(run("audit", "query", "--db", audit.url(), "--tool", "payments.*", "--limit", "2")))
                .containsExactly(refundAt1130, blockedRefund);
        assertThat(ids(run("audit", "query", "--db", audit.url(), "--from", "2026-11-24T11:00:00Z")))
                .containsExactly(refundAt1130);
    }

    @Test
    void queryListsNewestFirstUnlessAskedForOldestFirst() {
        assertThat(ids(run("audit", "query", "--db", audit.url(), "--tool", "payments.*")))
                .containsExactly(refundAt1130, blockedRefund, refundAt1015);
        assertThat(ids(run("audit", "query", "--db", audit.url(), "--tool", "payments.*", "--oldest-first")))
                .containsExactly(refundAt1015, blockedRefund, refundAt1130);
    }

    @Test
    void sinceCountsBackFromNowAndJsonCarriesTheResultText() throws Exception {
        long recent = record(
                audit.store(),
                "billing-agent",
                "crm.getAccount",
                Instant.now().minusSeconds(60),
                "{}",
                Decision.allowed("role billing", Optional.empty()),
                CallStatus.SUCCESS);

        Result r = run("audit", "query", "--db", audit.url(), "--since", "15m");

        assertThat(ids(r)).containsExactly(recent);
        assertThat(Json.parse(r.out.strip()).path("resultText").asString()).isEqualTo("account 7: Ada");
        assertThat(ids(run("audit", "query", "--db", audit.url(), "--since", "1d")))
                .containsExactly(recent);
        assertThat(run("audit", "query", "--db", audit.url(), "--since", "soon").code)
                .isEqualTo(2);
    }

    @Test
    void aTableCutShortSaysHowManyMoreMatched() {
        Result r = run("audit", "query", "--db", audit.url(), "--format", "table", "--limit", "2");

        assertThat(r.code).isZero();
        assertThat(r.out.lines().toList())
                .hasSize(4)
                .last()
                .isEqualTo("2 of 4 records (the newest; --limit N shows more)");
    }

    @Test
    void queryPrintsAnAlignedTable() {
        Result r = run("audit", "query", "--db", audit.url(), "--format", "table", "--tool", "payments.issueRefund");

        assertThat(r.code).isZero();
        List<String> lines = r.out.lines().toList();
        assertThat(lines).hasSize(5);
        assertThat(lines.get(0)).startsWith("ID").contains("AGENT", "TOOL", "DECISION", "STATUS", "LATENCY", "RULE");
        int toolColumn = lines.get(0).indexOf("TOOL");
        assertThat(lines.subList(1, 4))
                .allSatisfy(l -> assertThat(l.substring(toolColumn)).startsWith("payments.issueRefund"));
        assertThat(lines.get(1)).contains("2026-11-24 11:30:00.000");
        assertThat(lines.get(2)).contains("support-agent", "blocked", "deny payments.issueRefund");
        int statusColumn = lines.get(0).indexOf("STATUS");
        assertThat(lines.get(2).substring(statusColumn)).startsWith("- ");
        assertThat(lines.get(4)).isEqualTo("3 records");
    }

    @Test
    void queryReadsTheStoreNamedInTheConfigurationFile(@TempDir Path dir) throws Exception {
        Path config = dir.resolve("tollgate.yaml");
        Files.writeString(
                config,
                "audit:\n  url: " + audit.url() + "\nagents:\n  a: { keys: [\"${env:TOLLGATE_TEST_UNSET_KEY}\"] }\n");

        Result r = run("audit", "query", "--config", config.toString(), "--decision", "blocked");

        assertThat(r.code).as(r.err).isZero();
        assertThat(ids(r)).containsExactly(blockedRefund);
    }

    @Test
    void badInputGetsAOneLineErrorAndExitCodeTwo() {
        for (String[] args : List.of(
                new String[] {"audit", "query", "--db", audit.url(), "--from", "yesterday"},
                new String[] {"audit", "query", "--db", audit.url(), "--decision", "maybe"},
                new String[] {"audit", "query", "--db", audit.url(), "--status", "fine"},
                new String[] {"audit", "query", "--db", audit.url(), "--limit", "-3"},
                new String[] {"audit", "query", "--db", audit.url(), "--format", "xml"})) {
            Result r = run(args);
            assertThat(r.code).as(String.join(" ", args)).isEqualTo(2);
            assertThat(r.err.lines().toList()).as(r.err).hasSize(1);
            assertThat(r.err).startsWith("tollgate audit query: ").doesNotContain("Exception", "\tat ");
            assertThat(r.out).isEmpty();
        }
    }

    @Test
    void aMissingOrUnreachableStoreIsAOneLineErrorWithExitCodeTwo(@TempDir Path dir) {
        Result missing = run("audit", "query", "--db", "jdbc:h2:file:" + dir.resolve("nothing-here"));
        assertThat(missing.code).isEqualTo(2);
        assertThat(missing.err.strip())
                .startsWith("tollgate audit query: no audit store at")
                .doesNotContain("\n");

        Result missingVerify = run("audit", "verify", "--db", "jdbc:h2:file:" + dir.resolve("nothing-here"));
        assertThat(missingVerify.code).isEqualTo(2);

        Result down = run("audit", "verify", "--db", "jdbc:postgresql://127.0.0.1:1/audit?connectTimeout=2");
        assertThat(down.code).isEqualTo(2);
        assertThat(down.err.strip())
                .startsWith("tollgate audit verify: cannot open the audit store")
                .doesNotContain("\n");

        Path noConfig = dir.resolve("nope.yaml");
        Result missingConfig = run("audit", "query", "--config", noConfig.toString());
        assertThat(missingConfig.code).isEqualTo(2);
        assertThat(missingConfig.err)
                .contains(noConfig + ": no such configuration file")
                .doesNotContain(":0:");
    }

    @Test
    void auditWithoutASubcommandIsAUsageError() {
        Result bare = run("audit");
        assertThat(bare.code).isEqualTo(2);
        assertThat(bare.err).contains("query").contains("verify");
    }

    @Test
    void verifyPassesOnAnIntactStoreAndNamesTheFirstAlteredRecord() throws Exception {
        Result intact = run("audit", "verify", "--db", audit.url());
        assertThat(intact.code).isZero();
        assertThat(intact.out.strip()).isEqualTo("intact (4 records)");

        try (Connection c = audit.sql();
                PreparedStatement ps = c.prepareStatement(
                        "UPDATE tollgate_audit SET arguments_json = '{\"orderId\":\"A-999\"}' WHERE id = ?")) {
            ps.setLong(1, blockedRefund);
            assertThat(ps.executeUpdate()).isEqualTo(1);
        }

        Result broken = run("audit", "verify", "--db", audit.url());
        assertThat(broken.code).isEqualTo(1);
        assertThat(broken.out).contains("record " + blockedRefund);
    }

    @Test
    void verifyWithoutTheAnchorSaysATruncatedTailWouldGoUnnoticed() throws Exception {
        Result anchored = run("audit", "verify", "--db", audit.url());
        assertThat(anchored.err).doesNotContain("no anchor");
        audit.closeStore();
        try (Stream<Path> files = Files.list(audit.directory())) {
            for (Path anchor :
                    files.filter(f -> f.toString().endsWith(".anchor")).toList()) {
                Files.delete(anchor);
            }
        }

        Result unanchored = run("audit", "verify", "--db", audit.url());

        assertThat(unanchored.code).as("the chain itself is intact").isZero();
        assertThat(unanchored.out.strip()).isEqualTo("intact (4 records)");
        assertThat(unanchored.err).contains("warning: no anchor: a removed tail cannot be detected");
    }

    /** What one run of the command line printed, and its exit code. */
    record Result(int code, String out, String err) {}

    /** Runs {@code tollgate ARGS} in this JVM, capturing what it prints. */
    static synchronized Result run(String... args) {
        PrintStream oldOut = System.out;
        PrintStream oldErr = System.err;
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        try {
            System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
            System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
            int code = Main.run(args);
            return new Result(code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
        } finally {
            System.setOut(oldOut);
            System.setErr(oldErr);
        }
    }

    private static List<Long> ids(Result r) {
        assertThat(r.code).as(r.err).isZero();
        return r.out.lines().map(l -> Json.parse(l).path("id").asLong()).toList();
    }

    private static long record(
            JdbcAuditStore store,
            String agent,
            String tool,
            Instant at,
            String args,
            Decision decision,
            CallStatus status)
            throws AuditUnavailableException {
        ToolCall call = call(agent, tool, Json.parse(args), at, "session-1", Optional.of("conv-1"));
        long id = store.recordAttempt(call);
        store.recordOutcome(
                id,
                call,
                new CallOutcome(
                        decision,
                        status,
                        Json.parse("{\"content\":[{\"type\":\"text\",\"text\":\"account 7: Ada\"}]}"),
                        21),
                Duration.ofMillis(8));
        return id;
    }
}
