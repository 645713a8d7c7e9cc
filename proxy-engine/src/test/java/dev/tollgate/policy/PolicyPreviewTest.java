package dev.tollgate.policy;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tollgate.audit.AuditQuery;
import dev.tollgate.audit.AuditRecord;
import dev.tollgate.pipeline.ToolAnnotations;
import dev.tollgate.testing.RecordedHistory;
import dev.tollgate.testing.TemporaryAuditStore;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Candidate policies replayed over a real H2 audit store. */
class PolicyPreviewTest {
    @RegisterExtension
    final TemporaryAuditStore audit = TemporaryAuditStore.create();

    @Test
    void aPolicyThatDeniesRefundsBlocksExactlyTheRecordedRefunds() throws Exception {
        long refunds = RecordedHistory.appendSeedTraffic(audit.store(), Instant.parse("2026-11-24T00:00:00Z"), 20_000);
        CompiledPolicy seed = CompiledPolicy.from(TestCalls.load(TestCalls.SEED_AGENTS));

        PreviewReport report =
                new PolicyPreview(seed, tool -> ToolAnnotations.NONE, 50).run(audit.store(), AuditQuery.all());

        assertThat(report.evaluated()).isEqualTo(20_000);
        assertThat(report.allowedToBlocked()).isEqualTo(refunds);
        assertThat(report.blockedToAllowed()).isZero();
        assertThat(report.counts())
                .containsExactly(new PreviewReport.ChangeCount("billing-agent", "payments.issueRefund", refunds, 0));
        assertThat(report.changes()).hasSize(50).allSatisfy(change -> {
            assertThat(change.tool()).isEqualTo("payments.issueRefund");
            assertThat(change.before()).isEqualTo("allowed");
            assertThat(change.after()).isEqualTo("blocked");
            assertThat(change.newRule()).isEqualTo("role billing deny payments.issueRefund");
        });
    }

    @Test
    void limitsAndTheLoopBreakerAreSimulatedOnTheRecordedTimes() throws Exception {
        Instant start = Instant.parse("2026-11-24T10:00:00Z");
        List<AuditRecord> storm = new ArrayList<>();
        for (int i = 0; i < 30; i++) {
            storm.add(RecordedHistory.record(
                    start.plusMillis(100L * i),
                    "billing-agent",
                    "payments.issueRefund",
                    "{\"orderId\": \"o-" + i + "\", \"amount\": 40}",
                    "blocked",
                    "role billing deny payments.issueRefund"));
        }
        for (int i = 0; i < 30; i++) {
            storm.add(RecordedHistory.record(
                    start.plusSeconds(3600).plusMillis(100L * i),
                    "billing-agent",
                    "payments.issueRefund",
                    "{\"orderId\": \"same\", \"amount\": 40}",
                    "blocked",
                    "role billing deny payments.issueRefund"));
        }
        storm.add(RecordedHistory.record(
                start.plusSeconds(7200), "anonymous", "payments.issueRefund", "{}", "blocked", "identity"));
        audit.store().appendCompleted(storm);
        CompiledPolicy incident = CompiledPolicy.from(TestCalls.load(TestCalls.INCIDENT));

        PreviewReport report =
                new PolicyPreview(incident, tool -> ToolAnnotations.NONE, 100).run(audit.store(), AuditQuery.all());

        assertThat(report.evaluated()).isEqualTo(61);
        assertThat(report.blockedToAllowed())
                .as("10/min lets 10 distinct refunds through, the breaker 5 identical ones")
                .isEqualTo(15);
        assertThat(report.changes())
                .extracting(PreviewReport.ChangedCall::after)
                .containsOnly("allowed");

        PreviewReport firstHour = new PolicyPreview(incident, tool -> ToolAnnotations.NONE, 100)
                .run(
                        audit.store(),
                        AuditQuery.builder()
                                .limit(Integer.MAX_VALUE)
                                .to(start.plusSeconds(60))
                                .build());
        assertThat(firstHour.blockedToAllowed()).isEqualTo(10);
    }

    @Test
    void sessionConditionsAreSimulatedOverTheCallsTheCandidateWouldHaveLetThrough() throws Exception {
        Instant start = Instant.parse("2026-11-24T10:00:00Z");
        List<AuditRecord> refunds = new ArrayList<>();
        for (int i = 0; i < 10; i++) {
            refunds.add(RecordedHistory.record(
                    start.plusSeconds(i),
                    "billing-agent",
                    "payments.issueRefund",
                    "{\"orderId\": \"o-" + i + "\", \"amount\": 100}",
                    "allowed",
                    "role billing allow payments.*"));
        }
        audit.store().appendCompleted(refunds);
        CompiledPolicy capped = CompiledPolicy.from(new dev.tollgate.config.ConfigLoader().parse("capped.yaml", """
                agents:
                  billing-agent: { keys: [k], roles: [billing] }
                roles:
                  billing:
                    allow: ["payments.*"]
                    deny:
                      - { tool: payments.issueRefund,
                          when: 'session.sum("payments.issueRefund", "amount") + double(args.amount) > 500' }
                """));

        PreviewReport report =
                new PolicyPreview(capped, tool -> ToolAnnotations.NONE, 100).run(audit.store(), AuditQuery.all());

        assertThat(report.allowedToBlocked())
                .as("the sixth refund would cross 500")
                .isEqualTo(5);
        assertThat(report.changes())
                .extracting(PreviewReport.ChangedCall::timestamp)
                .containsExactly(
                        start.plusSeconds(5),
                        start.plusSeconds(6),
                        start.plusSeconds(7),
                        start.plusSeconds(8),
                        start.plusSeconds(9));
    }
}
