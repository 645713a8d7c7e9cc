package dev.tollgate.sample.history;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tollgate.audit.AuditQuery;
import dev.tollgate.audit.AuditRecord;
import dev.tollgate.audit.JdbcAuditStore;
import dev.tollgate.config.ConfigLoader;
import dev.tollgate.pipeline.ToolAnnotations;
import dev.tollgate.policy.CompiledPolicy;
import dev.tollgate.policy.PolicyPreview;
import dev.tollgate.policy.PreviewReport;
import dev.tollgate.testing.TemporaryAuditStore;
import java.nio.file.Path;
import java.time.Instant;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;

class HistoryGeneratorTest {

    @Test
    void fillsAStoreWithAMonthOfChainedTrafficAroundTheRefundStorm() throws Exception {
        try (TemporaryAuditStore audit = TemporaryAuditStore.create()) {
            JdbcAuditStore store = audit.store();
            HistoryGenerator.Summary summary =
                    HistoryGenerator.generate(store, HistoryGenerator.Options.of(10_000, 7), n -> {});

            assertThat(summary.records()).isEqualTo(10_000);
            assertThat(store.count(AuditQuery.all())).isEqualTo(10_000);
            assertThat(store.verify().message()).isEqualTo("intact (10000 records)");

            Set<String> agents = new HashSet<>();
            Set<String> tools = new HashSet<>();
            Set<String> statuses = new HashSet<>();
            Set<String> users = new HashSet<>();
            Set<String> conversations = new HashSet<>();
            Instant[] previous = {Instant.MIN};
            boolean[] ordered = {true};
            store.scan(AuditQuery.all(), r -> {
                agents.add(r.agentId());
                tools.add(r.qualifiedTool());
                statuses.add(r.status() + "/" + r.decision());
                r.user().ifPresent(users::add);
                r.conversationId().ifPresent(conversations::add);
                ordered[0] &= !r.timestamp().isBefore(previous[0]);
                previous[0] = r.timestamp();
            });
            assertThat(agents).containsExactlyInAnyOrder("billing-agent", "onboarding-agent", "support-agent");
            assertThat(tools)
                    .contains(
                            "crm.getAccount",
                            "crm.updateAccount",
                            "crm.search",
                            "payments.getHistory",
                            "payments.issueRefund",
                            "payments.updatePaymentMethod",
                            "tickets.create",
                            "tickets.escalate",
                            "tickets.get",
                            "calendar.schedule",
                            "calendar.list");
            assertThat(statuses).contains("success/allowed", "error/allowed", "timeout/allowed", "error/blocked");
            assertThat(users).hasSizeGreaterThan(3);
            assertThat(conversations).hasSizeGreaterThan(100);
            assertThat(ordered[0]).as("ids follow time").isTrue();

            Instant storm = summary.incidentStart();
            assertThat(storm).isEqualTo(Instant.parse("2026-10-14T09:12:00Z"));
            List<AuditRecord> incident = store.query(AuditQuery.builder()
                    .agent("billing-agent")
                    .tool("payments.issueRefund")
                    .conversation(HistoryGenerator.INCIDENT_CONVERSATION)
                    .limit(Integer.MAX_VALUE)
                    .build());
            assertThat(incident).hasSize((int) summary.incidentCalls()).hasSizeGreaterThanOrEqualTo(125);
            assertThat(incident)
                    .allSatisfy(r -> assertThat(r.timestamp()).isBetween(storm, storm.plusSeconds(47 * 60)));
            assertThat(incident.stream().filter(AuditRecord::blocked).count()).isGreaterThan(incident.size() / 2);
            assertThat(store.query(AuditQuery.builder()
                                    .tool("payments.updatePaymentMethod")
                                    .limit(1)
                                    .build())
                            .get(0)
                            .arguments()
                            .path("cardNumber")
                            .asString())
                    .isEqualTo("[REDACTED]");
        }
    }

    @Test
    void theDemoPolicyPreviewedOverTheHistoryItMadeChangesNothing() throws Exception {
        try (TemporaryAuditStore temp = TemporaryAuditStore.create()) {
            // The size the windowed demo generates.
            HistoryGenerator.generate(temp.store(), HistoryGenerator.Options.of(20_000, 7), n -> {});
            CompiledPolicy demo = CompiledPolicy.from(
                    new ConfigLoader(name -> Optional.of("")).load(Path.of("policies/incident.yaml")));

            PreviewReport report = new PolicyPreview(demo, tool -> ToolAnnotations.NONE, 5)
                    .run(
                            temp.store(),
                            AuditQuery.builder().limit(Integer.MAX_VALUE).build());

            assertThat(report.evaluated()).isEqualTo(20_000);
            assertThat(report.allowedToBlocked() + report.blockedToAllowed())
                    .as("%s", report.changes())
                    .isZero();
        }
    }

    @Test
    void theSameSeedGivesTheSameHistory() throws Exception {
        try (TemporaryAuditStore first = TemporaryAuditStore.create();
                TemporaryAuditStore second = TemporaryAuditStore.create()) {
            HistoryGenerator.generate(first.store(), HistoryGenerator.Options.of(2_000, 99), n -> {});
            HistoryGenerator.generate(second.store(), HistoryGenerator.Options.of(2_000, 99), n -> {});

            AuditRecord a = first.store()
                    .query(AuditQuery.builder().newestFirst(true).limit(1).build())
                    .get(0);
            AuditRecord b = second.store()
                    .query(AuditQuery.builder().newestFirst(true).limit(1).build())
                    .get(0);
            assertThat(a.hash()).isEqualTo(b.hash());
        }
    }

    @Test
    void sizesReadLikePeopleWriteThem() {
        assertThat(GenerateHistory.parseSize("10k")).isEqualTo(10_000);
        assertThat(GenerateHistory.parseSize("1M")).isEqualTo(1_000_000);
        assertThat(GenerateHistory.parseSize("10_000_000")).isEqualTo(10_000_000);
    }
}
