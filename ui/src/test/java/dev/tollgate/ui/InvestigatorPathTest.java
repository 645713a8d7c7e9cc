package dev.tollgate.ui;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.tollgate.audit.AuditRecord;
import dev.tollgate.engine.TollgateEngine;
import dev.tollgate.policy.PreviewReport;
import dev.tollgate.sample.agents.Pacing;
import dev.tollgate.sample.demo.DemoOptions;
import dev.tollgate.sample.demo.DemoSession;
import dev.tollgate.ui.alerts.AlertEntry;
import dev.tollgate.ui.export.Exporter;
import dev.tollgate.ui.live.Reason;
import dev.tollgate.ui.policy.PolicyView;
import dev.tollgate.ui.replay.TimelineEntry;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import javafx.scene.control.ListView;
import javafx.scene.control.TableView;
import javafx.stage.Stage;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.testfx.api.FxRobot;
import org.testfx.framework.junit5.ApplicationExtension;
import org.testfx.framework.junit5.Start;
import org.testfx.util.WaitForAsyncUtils;

/**
 * The investigator's path through the real demo (sample servers, the engine, the scripted agents): the refund
 * storm becomes one incident, which opens its conversation in Replay with the agent's turns beside its calls;
 * a policy edit previews the storm's paid refunds flipping to blocked, and is applied. Along the way it writes
 * the README's screenshots ({@code target/screenshots}, or {@code -Dtollgate.screenshots=../docs/screenshots}).
 */
@ExtendWith(ApplicationExtension.class)
class InvestigatorPathTest {
    private static final String STORM = "conv-billing-2240";
    private static final String DENY_BEFORE = "deny:  [\"payments.updatePaymentMethod\"]";
    private static final String DENY_AFTER = "deny:  [\"payments.updatePaymentMethod\", \"payments.issueRefund\"]";

    @TempDir
    static Path dir;

    private static DemoSession demo;
    private final ShellFixture fixture = new ShellFixture();
    private TollgateShell shell;
    private Stage stage;

    /** The sample servers and the engine start once, before the window (not on the FX thread). */
    @BeforeAll
    static void startDemo() {
        demo = DemoSession.start(DemoOptions.defaults().withWorkDir(dir.resolve("demo")), TollgateEngine::start);
    }

    @AfterAll
    static void stopDemo() {
        demo.close();
    }

    @Start
    void start(Stage stage) {
        this.stage = stage;
        stage.setWidth(1280);
        stage.setHeight(800);
        shell = fixture.open(stage, demo.engine());
        stage.setWidth(1280);
        stage.setHeight(800);
    }

    @AfterEach
    void tearDown() throws Exception {
        fixture.close();
    }

    @Test
    void fromTheStormsIncidentToItsConversationToAPolicyProvenOnHistory(FxRobot robot) throws Exception {
        Path shots = Path.of(System.getProperty("tollgate.screenshots", "target/screenshots"));
        Files.createDirectories(shots);
        demo.play(150, Pacing.NONE);
        List<AuditRecord> storm = demo.records().stream()
                .filter(r ->
                        r.agentId().equals("billing-agent") && r.qualifiedTool().equals("payments.issueRefund"))
                .toList();
        long paid = storm.stream().filter(r -> !r.blocked()).count();
        assertThat(storm).hasSizeGreaterThan(50);

        // The storm is one incident, counted by cause, with the refunds that reached the server.
        await().atMost(Duration.ofSeconds(20))
                .until(() ->
                        stormIncidents().size() == 1 && stormIncidents().get(0).count() == storm.size() - paid);
        AlertEntry incident = stormIncidents().get(0);
        assertThat(incident.blockedByCause()).containsKey(Reason.BREAKER);
        assertThat(incident.reachedServer()).isEqualTo(paid);
        assertThat(incident.conversations()).containsExactly(STORM);
        robot.clickOn("#nav-alerts");
        robot.interact(() -> alertList(robot).getSelectionModel().select(incident));
        shoot(robot, shots.resolve("alerts.png"));

        // Opening it filters Live to exactly its pair and window.
        robot.clickOn("#alert-show");
        await().atMost(Duration.ofSeconds(10))
                .until(() -> shell.current() == Section.LIVE
                        && shell.liveModel().rows().size() == storm.size());
        // Repeats of the storm are collapsed into counted rows, so the table shows fewer rows than calls.
        assertThat(table(robot).getItems())
                .hasSizeLessThan(storm.size())
                .allSatisfy(r -> assertThat(r.qualifiedTool()).isEqualTo("payments.issueRefund"));
        await().atMost(Duration.ofSeconds(10))
                .until(() -> shell.liveModel()
                        .statusProperty()
                        .get()
                        .equals(storm.size() + " calls match; " + storm.size() + " shown"));
        shoot(robot, shots.resolve("live.png"));

        // "Open conversation": Replay shows the agent's turns, recorded as it ran, beside the calls they caused.
        robot.clickOn("#nav-alerts");
        robot.interact(() -> alertList(robot).getSelectionModel().select(incident));
        robot.clickOn("#alert-conversation");
        await().atMost(Duration.ofSeconds(15))
                .until(() -> shell.current() == Section.REPLAY
                        && shell.replayModel().sessionProperty().get() != null
                        && shell.replayModel().sessionProperty().get().id().equals(STORM)
                        && shell.replayModel().entries().size() > storm.size());
        List<TimelineEntry> steps = List.copyOf(shell.replayModel().entries());
        int firstRefund = indexOfFirstRefund(steps);
        assertThat(steps.get(firstRefund - 1)).isInstanceOfSatisfying(TimelineEntry.Turn.class, t -> {
            assertThat(t.turn().role()).isEqualTo("assistant");
            assertThat(t.turn().tools()).containsExactly("payments.issueRefund");
        });
        assertThat(steps.stream().filter(TimelineEntry.Turn.class::isInstance).count())
                .isGreaterThan(3);
        robot.interact(() -> shell.replayModel().positionProperty().set(firstRefund - 1));
        shoot(robot, shots.resolve("replay.png"));

        robot.interact(() -> {
            shell.navigate(Section.LIMITS);
            shell.limitsModel().selectedProperty().set("billing-agent · payments.issueRefund");
        });
        shoot(robot, shots.resolve("limits.png"));

        // A policy that stops it: the preview shows the storm's paid refunds flipping to blocked; then apply.
        robot.interact(() -> shell.navigate(Section.POLICY));
        PolicyView policy = (PolicyView) shell.view(Section.POLICY);
        await().atMost(Duration.ofSeconds(10))
                .until(() -> policy.editor().getText().contains(DENY_BEFORE));
        assertThat(policy.editor().getText()).contains("«secret-").doesNotContain("tg_billing_");
        robot.interact(
                () -> policy.editor().replaceText(policy.editor().getText().replace(DENY_BEFORE, DENY_AFTER)));
        await().atMost(Duration.ofSeconds(20))
                .until(() -> shell.policyModel()
                        .orElseThrow()
                        .reportProperty()
                        .get()
                        .map(r -> r.allowedToBlocked() > 0)
                        .orElse(false));
        PreviewReport report =
                shell.policyModel().orElseThrow().reportProperty().get().orElseThrow();
        assertThat(report.counts()).anySatisfy(c -> {
            assertThat(c.agentId()).isEqualTo("billing-agent");
            assertThat(c.tool()).isEqualTo("payments.issueRefund");
            assertThat(c.allowedToBlocked()).isEqualTo(paid);
        });
        shoot(robot, shots.resolve("policy.png"));
        robot.clickOn("Diff vs running");
        shoot(robot, shots.resolve("policy-diff.png"));

        robot.clickOn("#policy-save");
        robot.clickOn("Apply");
        Path file = demo.workDir().resolve("tollgate-demo.yaml");
        await().atMost(Duration.ofSeconds(10))
                .until(() -> Files.readString(file).contains(DENY_AFTER));
        assertThat(Files.readString(file)).contains("tg_billing_").doesNotContain("«secret-");
    }

    private List<AlertEntry> stormIncidents() {
        return shell.alertsModel().alerts().stream()
                .filter(a -> a.agentId().equals("billing-agent") && a.tool().equals("payments.issueRefund"))
                .toList();
    }

    private static int indexOfFirstRefund(List<TimelineEntry> steps) {
        for (int i = 0; i < steps.size(); i++) {
            if (steps.get(i) instanceof TimelineEntry.Call c
                    && c.record().qualifiedTool().equals("payments.issueRefund")) {
                return i;
            }
        }
        throw new AssertionError("no refund in the conversation");
    }

    @SuppressWarnings("unchecked")
    private static TableView<AuditRecord> table(FxRobot robot) {
        return robot.lookup("#call-table").queryAs(TableView.class);
    }

    @SuppressWarnings("unchecked")
    private static ListView<AlertEntry> alertList(FxRobot robot) {
        return robot.lookup("#alert-list").queryAs(ListView.class);
    }

    private void shoot(FxRobot robot, Path file) throws Exception {
        WaitForAsyncUtils.waitForFxEvents();
        robot.interact(() -> {
            try {
                Exporter.writePng(stage.getScene().getRoot(), file);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        });
        assertThat(Files.size(file)).as(file.toString()).isGreaterThan(5_000);
    }
}
