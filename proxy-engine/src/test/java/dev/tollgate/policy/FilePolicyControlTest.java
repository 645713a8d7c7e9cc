package dev.tollgate.policy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.tollgate.audit.AuditQuery;
import dev.tollgate.config.ConfigException;
import dev.tollgate.config.ConfigLoader;
import dev.tollgate.events.EventBus;
import dev.tollgate.pipeline.ToolAnnotations;
import dev.tollgate.testing.RecordedHistory;
import dev.tollgate.testing.TemporaryAuditStore;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/** What the policy editor does: read the text in force, check a candidate, preview it on history, apply it. */
class FilePolicyControlTest {
    private static final String ALLOW_ALL = """
            agents:
              billing-agent:    { keys: [k1], roles: [everything] }
              support-agent:    { keys: [k2], roles: [everything] }
              onboarding-agent: { keys: [k3], roles: [everything] }
            roles:
              everything: { allow: ["*"] }
            """;

    @RegisterExtension
    final TemporaryAuditStore audit = TemporaryAuditStore.create();

    @TempDir
    Path dir;

    private Path file;
    private final EventBus events = new EventBus();
    private PolicyHolder holder;
    private FilePolicyControl control;

    @BeforeEach
    void start() throws Exception {
        file = dir.resolve("tollgate.yaml");
        Files.writeString(file, ALLOW_ALL);
        holder = PolicyHolder.load(file, new ConfigLoader(), events, Clock.systemUTC());
        control = new FilePolicyControl(holder, new ConfigLoader(), audit.store(), tool -> ToolAnnotations.NONE);
    }

    @AfterEach
    void stop() {
        holder.close();
        events.close();
    }

    @Test
    void checkPreviewAndApplyACandidateThatStopsRefunds() throws Exception {
        long refunds = RecordedHistory.appendSeedTraffic(audit.store(), Instant.parse("2026-11-24T00:00:00Z"), 700);
        String candidate = ALLOW_ALL + "  careful: { deny: [payments.issueRefund] }\n";
        candidate = candidate.replace(
                "billing-agent:    { keys: [k1], roles: [everything] }",
                "billing-agent:    { keys: [k1], roles: [everything, careful] }");

        assertThat(control.currentText()).isEqualTo(ALLOW_ALL);
        assertThat(control.check(candidate)).isEmpty();
        PreviewReport report = control.preview(candidate, AuditQuery.all());
        assertThat(report.allowedToBlocked()).isEqualTo(refunds);
        assertThat(report.counts())
                .extracting(PreviewReport.ChangeCount::agentId, PreviewReport.ChangeCount::tool)
                .containsExactly(org.assertj.core.groups.Tuple.tuple("billing-agent", "payments.issueRefund"));
        assertThat(report.changes())
                .hasSize(PolicyPreview.DEFAULT_SAMPLE > refunds ? (int) refunds : PolicyPreview.DEFAULT_SAMPLE);

        control.apply(candidate);
        assertThat(control.currentText()).isEqualTo(candidate);
        assertThat(Files.readString(file)).isEqualTo(candidate);
        assertThat(control.preview(candidate, AuditQuery.all()).allowedToBlocked())
                .isEqualTo(refunds);
    }

    @Test
    void aBrokenCandidateIsReportedAndNeverApplied() {
        String broken = ALLOW_ALL.replace("allow: [\"*\"]", "allow: [\"*\"], deny: [{ class: sneaky }]");

        List<ConfigException> problems = control.check(broken);

        assertThat(problems)
                .extracting(ConfigException::getMessage)
                .containsExactly(
                        file.toAbsolutePath() + ":6: unknown tool class 'sneaky' (expected readOnly, destructive, "
                                + "idempotent or openWorld)");
        assertThat(control.check("roles: ["))
                .singleElement()
                .satisfies(p -> assertThat(p.line()).isEqualTo(1));
        assertThatThrownBy(() -> control.preview(broken, AuditQuery.all())).isInstanceOf(ConfigException.class);
        assertThatThrownBy(() -> control.apply(broken)).isInstanceOf(ConfigException.class);
        assertThat(control.currentText()).isEqualTo(ALLOW_ALL);
    }
}
