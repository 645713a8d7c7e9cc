package dev.tollgate.audit;

import static dev.tollgate.testing.TemporaryAuditStore.call;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.tollgate.json.Json;
import dev.tollgate.pipeline.BlockReason;
import dev.tollgate.pipeline.CallOutcome;
import dev.tollgate.pipeline.CallStatus;
import dev.tollgate.pipeline.Decision;
import dev.tollgate.pipeline.ToolCall;
import dev.tollgate.testing.NpmPeers;
import dev.tollgate.testing.Postgres;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The same store against a real PostgreSQL (the team set-up), started by the build: every run, never skipped. */
class PostgresAuditStoreTest {
    private static final Instant T0 = Instant.parse("2026-11-24T10:00:00Z");

    private String url;

    @BeforeEach
    void freshDatabase() {
        url = Postgres.freshDatabase();
    }

    @Test
    void recordsQueriesAndVerifiesOnPostgres() throws Exception {
        List<Long> ids = new ArrayList<>();
        try (JdbcAuditStore store = AuditStores.open(url)) {
            for (int i = 0; i < 4; i++) {
                ToolCall call = call(
                        i % 2 == 0 ? "billing-agent" : "support-agent",
                        "payments.issueRefund",
                        Json.parse("{\"orderId\":\"O-" + i + "\",\"apiKey\":\"k\"}"),
                        T0.plusSeconds(i * 600L),
                        "s",
                        Optional.of("conv"));
                long id = store.recordAttempt(call);
                Decision decision = i % 2 == 0
                        ? Decision.allowed("allow", Optional.of("t.yaml:3"))
                        : Decision.blocked(BlockReason.POLICY, "deny", Optional.empty(), "no");
                store.recordOutcome(
                        id,
                        call,
                        new CallOutcome(decision, CallStatus.SUCCESS, Json.object(), 5),
                        Duration.ofMillis(3));
                ids.add(id);
            }
            store.appendCompleted(List.of(new AuditRecord(
                    0,
                    T0,
                    "onboarding-agent",
                    "s2",
                    Optional.of("alice"),
                    "crm",
                    "getAccount",
                    Json.object(),
                    "allowed",
                    "r",
                    Optional.empty(),
                    "ok",
                    "success",
                    1.5,
                    10,
                    Optional.empty(),
                    Optional.empty(),
                    "",
                    "")));
            long pending = store.recordAttempt(call("billing-agent", "crm.getAccount", Json.object()));

            assertThat(store.query(AuditQuery.builder()
                            .agent("billing-agent")
                            .tool("payments.*")
                            .from(T0)
                            .to(T0.plusSeconds(3600))
                            .build()))
                    .extracting(AuditRecord::id)
                    .containsExactly(ids.get(0), ids.get(2));
            assertThat(store.count(AuditQuery.builder().decision("blocked").build()))
                    .isEqualTo(2);
            assertThat(store.find(ids.get(0))
                            .orElseThrow()
                            .arguments()
                            .path("apiKey")
                            .asString())
                    .isEqualTo("[REDACTED]");
            assertThat(store.find(pending).orElseThrow().status()).isEqualTo("pending");
            assertThat(store.verify().message()).isEqualTo("intact (5 records)");

            try (Connection c = DriverManager.getConnection(url);
                    Statement st = c.createStatement()) {
                st.executeUpdate("UPDATE tollgate_audit SET status = 'error' WHERE id = " + ids.get(1));
            }
            assertThat(store.verify().firstBrokenId()).contains(ids.get(1));
        }
    }

    @Test
    void anUnreachableServerIsAClearErrorThatKeepsThePasswordOut() {
        String unreachable = "jdbc:postgresql://127.0.0.1:" + NpmPeers.freePort()
                + "/tollgate?user=tollgate&password=s3cret&connectTimeout=5";
        assertThatThrownBy(() -> AuditStores.open(unreachable))
                .isInstanceOf(AuditUnavailableException.class)
                .hasMessageStartingWith("cannot open the audit store at jdbc:postgresql://127.0.0.1:")
                .hasMessageContaining("password=***")
                .hasMessageNotContaining("s3cret");
    }
}
