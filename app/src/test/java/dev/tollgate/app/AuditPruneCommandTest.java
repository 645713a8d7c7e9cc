package dev.tollgate.app;

import static dev.tollgate.app.AuditCommandTest.run;
import static dev.tollgate.testing.TemporaryAuditStore.call;
import static org.assertj.core.api.Assertions.assertThat;

import dev.tollgate.audit.JdbcAuditStore;
import dev.tollgate.json.Json;
import dev.tollgate.pipeline.CallOutcome;
import dev.tollgate.pipeline.CallStatus;
import dev.tollgate.pipeline.Decision;
import dev.tollgate.pipeline.ToolCall;
import dev.tollgate.testing.TemporaryAuditStore;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

class AuditPruneCommandTest {
    @RegisterExtension
    final TemporaryAuditStore audit = TemporaryAuditStore.create();

    private static final Instant TEN = Instant.parse("2026-11-24T10:00:00Z");

    @Test
    void pruneRemovesTheOldRecordsArchivesThemAndVerifyStillSaysIntact() throws Exception {
        JdbcAuditStore store = audit.store();
        for (int minutes : List.of(5, 20, 40, 90)) {
            ToolCall c = call(
                    "billing-agent",
                    "payments.issueRefund",
                    Json.object(),
                    TEN.plusSeconds(60L * minutes),
                    "s",
                    Optional.empty());
            long id = store.recordAttempt(c);
            store.recordOutcome(
                    id,
                    c,
                    new CallOutcome(Decision.allowed("a", Optional.empty()), CallStatus.SUCCESS, Json.object(), 2),
                    Duration.ofMillis(3));
        }
        audit.closeStore();
        Path archive = audit.directory().resolve("old.jsonl.gz");

        AuditCommandTest.Result pruned = run(
                "audit",
                "prune",
                "--db",
                audit.url(),
                "--before",
                "2026-11-24T11:00:00Z",
                "--archive",
                archive.toString());
        AuditCommandTest.Result verified = run("audit", "verify", "--db", audit.url());
        AuditCommandTest.Result left = run("audit", "query", "--db", audit.url(), "--tool", "payments.issueRefund");

        assertThat(pruned.code()).as(pruned.err()).isZero();
        assertThat(pruned.out()).startsWith("pruned 3 records before 2026-11-24T11:00:00Z");
        assertThat(Files.size(archive)).isPositive();
        assertThat(verified.code()).as(verified.out()).isZero();
        assertThat(left.out().lines()).hasSize(1);
    }

    @Test
    void pruneWithoutATimeOrARetentionIsAUsageError() {
        AuditCommandTest.Result r = run("audit", "prune", "--db", audit.url());

        assertThat(r.code()).isEqualTo(2);
        assertThat(r.err()).contains("--before");
    }
}
