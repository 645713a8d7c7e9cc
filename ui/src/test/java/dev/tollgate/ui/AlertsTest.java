package dev.tollgate.ui;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.tollgate.audit.AuditRecord;
import dev.tollgate.events.EngineEvent;
import dev.tollgate.testing.TemporaryAuditStore;
import dev.tollgate.ui.alerts.AlertEntry;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import javafx.scene.Node;
import javafx.scene.control.Label;
import javafx.scene.control.TableView;
import javafx.stage.Stage;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.testfx.api.FxRobot;
import org.testfx.framework.junit5.ApplicationExtension;
import org.testfx.framework.junit5.Start;

@ExtendWith(ApplicationExtension.class)
class AlertsTest {
    @RegisterExtension
    final TemporaryAuditStore audit = TemporaryAuditStore.create();

    private final ShellFixture fixture = new ShellFixture();
    private TestEngine engine;
    private TollgateShell shell;

    @Start
    void start(Stage stage) {
        engine = new TestEngine(audit.store(), Optional.empty());
        Instant t0 = Instant.now().minusSeconds(3_600);
        for (int i = 0; i < 300; i++) {
            engine.record(
                    "support-agent",
                    "crm.getAccount",
                    "{\"id\":\"A-" + i + "\"}",
                    t0.plusSeconds(i),
                    "s-old",
                    Optional.empty(),
                    false);
        }
        shell = fixture.open(stage, engine);
    }

    @AfterEach
    void tearDown() throws Exception {
        fixture.close();
        engine.close();
    }

    @SuppressWarnings("unchecked")
    private TableView<AuditRecord> table(FxRobot robot) {
        return robot.lookup("#call-table").queryAs(TableView.class);
    }

    @Test
    void blockedCallRaisesANotificationThatJumpsToItsRow(FxRobot robot) {
        await().atMost(Duration.ofSeconds(10))
                .until(() -> !table(robot).getItems().isEmpty());
        robot.interact(() -> shell.navigate(Section.AGENTS));

        AuditRecord blocked = engine.call("billing-agent", "payments.issueRefund", "{\"amount\":4000}", true);

        await().atMost(Duration.ofSeconds(5))
                .until(() -> robot.lookup(".notice-warning").tryQuery().isPresent());
        Node popup = robot.lookup(".notice-warning").query();
        assertThat(robot.from(popup).lookup(".label").queryAllAs(Label.class))
                .anyMatch(l ->
                        l.getText() != null && l.getText().contains("payments.issueRefund blocked for billing-agent"));

        robot.clickOn(popup);

        await().atMost(Duration.ofSeconds(5))
                .until(() -> table(robot).getSelectionModel().getSelectedItem() != null);
        assertThat(shell.current()).isEqualTo(Section.LIVE);
        assertThat(table(robot).getSelectionModel().getSelectedItem().id()).isEqualTo(blocked.id());
    }

    @Test
    void aBurstOfBlockedCallsBecomesOneIncidentThatFiltersTheTimelineToItsWindow(FxRobot robot) {
        AuditRecord last = null;
        for (int i = 0; i < 37; i++) {
            last = engine.call("billing-agent", "payments.issueRefund", "{\"order\":\"O-" + i + "\"}", true);
        }
        AuditRecord newest = last;

        await().atMost(Duration.ofSeconds(5))
                .until(() -> shell.alertsModel().alerts().size() == 1
                        && shell.alertsModel().alerts().get(0).count() == 37);
        AlertEntry alert = shell.alertsModel().alerts().get(0);
        assertThat(alert.message())
                .matches("billing-agent · payments\\.issueRefund: 37 blocked \\(rule 37\\)"
                        + " · 0 reached the server · \\d\\d:\\d\\d:\\d\\d–\\d\\d:\\d\\d:\\d\\d");
        assertThat(robot.lookup("#nav-alerts").queryLabeled().getText()).isEqualTo("Alerts (1)");

        robot.clickOn("#nav-alerts");
        Node firstAlert = robot.lookup("#alert-list .list-cell").query();
        robot.clickOn(firstAlert);
        robot.clickOn("#alert-show");

        await().atMost(Duration.ofSeconds(5))
                .until(() -> table(robot).getSelectionModel().getSelectedItem() != null
                        && table(robot).getSelectionModel().getSelectedItem().id() == newest.id());
        assertThat(table(robot).getItems())
                .hasSize(37)
                .allSatisfy(r -> assertThat(r.qualifiedTool()).isEqualTo("payments.issueRefund"));
        assertThat(robot.lookup("#nav-alerts").queryLabeled().getText()).isEqualTo("Alerts");
    }

    @Test
    void loopBreakerTripIsAlertedAndFiltersTheTimelineToTheAgentAndTool(FxRobot robot) {
        engine.events()
                .publish(new EngineEvent.LoopBreakerTripped(
                        Instant.now(), "billing-agent", "payments.issueRefund", 5, "1m"));

        await().atMost(Duration.ofSeconds(5))
                .until(() -> shell.alertsModel().alerts().size() == 1);
        assertThat(shell.alertsModel().alerts().get(0).message())
                .isEqualTo("Loop breaker stopped billing-agent: 5 repeats of payments.issueRefund in 1m");

        robot.interact(
                () -> shell.alertsModel().show(shell.alertsModel().alerts().get(0)));

        assertThat(shell.current()).isEqualTo(Section.LIVE);
        assertThat(shell.liveModel().filterTextProperty().get())
                .startsWith("agent:billing-agent tool:payments.issueRefund time>=");
    }
}
