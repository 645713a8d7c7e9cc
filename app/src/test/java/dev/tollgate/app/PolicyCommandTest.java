package dev.tollgate.app;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tollgate.json.Json;
import dev.tollgate.pinning.LockFile;
import dev.tollgate.testing.RecordedHistory;
import dev.tollgate.testing.TemporaryAuditStore;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** {@code tollgate policy check|preview} as a user runs them, on the sample policies and a real H2 store. */
class PolicyCommandTest {
    private static final Path SEED_AGENTS = Path.of("../sample-data/policies/seed-agents.yaml");

    @RegisterExtension
    final TemporaryAuditStore audit = TemporaryAuditStore.create();

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

    @Test
    void checkAcceptsTheSeedAgents() {
        assertThat(run("policy", "check", "--config", SEED_AGENTS.toString())).isZero();
        assertThat(out.toString()).contains("seed-agents.yaml: OK (3 roles, 3 agents, 1 limits)");
    }

    @Test
    void checkListsEveryProblemWithItsLine() throws Exception {
        Path broken = dir.resolve("broken.yaml");
        Files.writeString(broken, """
                agents:
                  billing-agent: { keys: [k1], roles: [billing] }
                roles:
                  billing:
                    allow:
                      - { tool: payments.issueRefund, when: "args.amount <=" }
                    deny: [{ class: explosive }]
                """);
        assertThat(run("policy", "check", "--config", broken.toString())).isEqualTo(1);
        assertThat(err.toString().lines())
                .containsExactly(
                        broken
                                + ":6: condition 'args.amount <=' does not compile: ERROR: <input>:1:15: mismatched input '<EOF>'"
                                + " expecting {'[', '{', '(', '.', '-', '!', 'true', 'false', 'null', NUM_FLOAT, NUM_INT, NUM_UINT,"
                                + " STRING, BYTES, IDENTIFIER} | args.amount <= | ..............^",
                        broken
                                + ":7: unknown tool class 'explosive' (expected readOnly, destructive, idempotent or openWorld)");
    }

    @Test
    void checkReportsBadYamlAndMissingFiles() throws Exception {
        Path bad = dir.resolve("bad.yaml");
        Files.writeString(bad, "roles:\n  billing: [unclosed\n");
        assertThat(run("policy", "check", "--config", bad.toString())).isEqualTo(1);
        assertThat(err.toString()).startsWith(bad + ":");
        assertThat(run(
                        "policy",
                        "check",
                        "--config",
                        dir.resolve("missing.yaml").toString()))
                .isEqualTo(2);
        assertThat(err.toString()).contains("missing.yaml: no such configuration file");
    }

    @Test
    void checkNamesAToolItsServerDidNotOfferWhenLastSeen() throws Exception {
        Path config = dir.resolve("tollgate.yaml");
        Files.writeString(config, """
                servers:
                  ev: { url: "http://127.0.0.1:9002/mcp" }
                agents:
                  a: { keys: [k1], roles: [r] }
                roles:
                  r:
                    allow: ["ev.echo", "ev.ecko", "ev.get-*"]
                """);
        assertThat(run("policy", "check", "--config", config.toString()))
                .as("no lock file yet: tools are not checked")
                .isZero();

        LockFile.update(dir.resolve("tollgate.lock"), pins -> {
            Map<String, LockFile.Pin> next = new TreeMap<>(pins);
            for (String tool : List.of("ev.echo", "ev.get-sum")) {
                next.put(tool, new LockFile.Pin("0".repeat(64), Instant.EPOCH, Json.object(), Optional.empty()));
            }
            return next;
        });
        err.getBuffer().setLength(0);

        assertThat(run("policy", "check", "--config", config.toString())).isEqualTo(1);
        assertThat(err.toString().lines())
                .containsExactly(config + ":7: tool pattern 'ev.ecko' names tool 'ecko', which server 'ev' did not"
                        + " offer when last seen (it offered: echo, get-sum)");
    }

    @Test
    void checkNamesUnknownKeysAtAnyLevelUndefinedRolesAndUnknownServers() throws Exception {
        Path typos = dir.resolve("typos.yaml");
        Files.writeString(typos, """
                listn: 127.0.0.1:7070
                servers:
                  payments: { url: "http://127.0.0.1:9002/mcp", timout: 5s }
                agents:
                  support-agent: { keys: [k1], roles: [suport] }
                roles:
                  support:
                    allow: ["crm.getAccount", "payment.getHistory"]
                    limits: { "payments.getHistory": { rate: 10/min, brust: 3 } }
                """);

        assertThat(run("policy", "check", "--config", typos.toString())).isEqualTo(1);

        assertThat(err.toString().lines())
                .containsExactly(
                        typos + ":1: unknown key 'listn' at the top level (did you mean 'listen'?)",
                        typos + ":3: unknown key 'timout' in servers.payments (did you mean 'timeout'?)",
                        typos
                                + ":5: agent 'support-agent' has role 'suport', which is not defined under roles (defined: support)",
                        typos
                                + ":8: tool pattern 'crm.getAccount' names server 'crm', which is not defined under servers"
                                + " (defined: payments)",
                        typos
                                + ":8: tool pattern 'payment.getHistory' names server 'payment', which is not defined under servers"
                                + " (defined: payments)",
                        typos
                                + ":9: unknown key 'brust' in roles.support.limits.payments.getHistory (did you mean 'burst'?)");
        assertThat(out.toString()).isEmpty();
    }

    @Test
    void previewOf100kRecordedCallsReportsExactlyTheRefundsASeedPolicyBlocks() throws Exception {
        long refunds = RecordedHistory.appendSeedTraffic(audit.store(), Instant.parse("2026-11-24T00:00:00Z"), 100_000);
        audit.closeStore();

        int code = run("policy", "preview", "--config", SEED_AGENTS.toString(), "--db", audit.url(), "--sample", "3");

        assertThat(code).as(err.toString()).isZero();
        assertThat(out.toString())
                .contains("Replayed 100000 recorded calls")
                .contains(refunds + " would now be blocked (allowed -> blocked), 0 would now be allowed")
                .containsPattern("billing-agent\\s+payments.issueRefund\\s+" + refunds + "\\s+0")
                .contains("Changed calls (first 3):")
                .contains("allowed -> blocked by role billing deny payments.issueRefund");
        assertThat(out.toString()).doesNotContain("crm.getAccount");
    }

    @Test
    void previewOfAMissingStoreIsExitCodeTwo() {
        int code = run(
                "policy",
                "preview",
                "--config",
                SEED_AGENTS.toString(),
                "--db",
                "jdbc:h2:file:" + dir.resolve("no-store"));
        assertThat(code).isEqualTo(2);
        assertThat(err.toString()).contains("cannot open the audit store").contains("no audit store at");
    }

    @Test
    void previewHonoursTheTimeRange() throws Exception {
        RecordedHistory.appendSeedTraffic(audit.store(), Instant.parse("2026-11-24T00:00:00Z"), 700);
        audit.closeStore();

        int code = run(
                "policy",
                "preview",
                "--config",
                SEED_AGENTS.toString(),
                "--db",
                audit.url(),
                "--from",
                "2026-11-24T00:00:00Z",
                "--to",
                "2026-11-24T00:00:69Z");
        assertThat(code).isEqualTo(2);
        assertThat(err.toString()).contains("--to must be an ISO-8601 instant");

        code = run(
                "policy",
                "preview",
                "--config",
                SEED_AGENTS.toString(),
                "--db",
                audit.url(),
                "--from",
                "2026-11-24T00:00:00Z",
                "--to",
                "2026-11-24T00:01:10Z");
        assertThat(code).isZero();
        assertThat(out.toString()).contains("Replayed 70 recorded calls").contains("10 would now be blocked");
    }
}
