package dev.tollgate.ui;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.tollgate.audit.AuditRecord;
import dev.tollgate.testing.TemporaryAuditStore;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import javafx.css.PseudoClass;
import javafx.scene.control.Label;
import javafx.scene.control.TableRow;
import javafx.scene.control.TableView;
import javafx.scene.control.TextArea;
import javafx.scene.input.KeyCode;
import javafx.stage.Stage;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.testfx.api.FxRobot;
import org.testfx.framework.junit5.ApplicationExtension;
import org.testfx.framework.junit5.Start;

@ExtendWith(ApplicationExtension.class)
class LiveTimelineTest {
    @RegisterExtension
    final TemporaryAuditStore audit = TemporaryAuditStore.create();

    private final ShellFixture fixture = new ShellFixture();
    private TestEngine engine;
    private TollgateShell shell;

    @Start
    void start(Stage stage) {
        engine = new TestEngine(audit.store(), Optional.empty());
        Instant t0 = Instant.now().minusSeconds(60);
        engine.record("billing-agent", "crm.getAccount", "{\"id\":\"A-1\"}", t0, "s-1", Optional.of("conv-1"), false);
        engine.record(
                "support-agent",
                "tickets.create",
                "{\"title\":\"printer on fire\"}",
                t0.plusSeconds(1),
                "s-2",
                Optional.empty(),
                false);
        engine.record(
                "billing-agent",
                "payments.issueRefund",
                "{\"amount\":40}",
                t0.plusSeconds(2),
                "s-1",
                Optional.of("conv-1"),
                true);
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
    void opensWithRecordedHistoryAndMarksBlockedRows(FxRobot robot) {
        await().atMost(Duration.ofSeconds(10))
                .until(() -> table(robot).getItems().size() == 3);

        await().atMost(Duration.ofSeconds(5))
                .until(() -> robot.lookup(".table-row-cell").queryAll().stream()
                        .anyMatch(n -> n.getPseudoClassStates().contains(PseudoClass.getPseudoClass("blocked"))
                                && ((TableRow<?>) n).getItem() instanceof AuditRecord r
                                && r.tool().equals("issueRefund")));
    }

    @Test
    void liveCallAppearsAndTheFilterNarrowsIt(FxRobot robot) {
        await().atMost(Duration.ofSeconds(10))
                .until(() -> table(robot).getItems().size() == 3);

        AuditRecord live = engine.call("onboarding-agent", "calendar.schedule", "{\"when\":\"tomorrow\"}", false);

        await().atMost(Duration.ofSeconds(5))
                .until(() -> table(robot).getItems().stream().anyMatch(r -> r.id() == live.id()));
        assertThat(table(robot).getItems()).hasSize(4);

        robot.clickOn("#filter-field")
                .write("agent:billing-agent tool:payments.*")
                .type(KeyCode.ENTER);

        await().atMost(Duration.ofSeconds(5))
                .until(() -> table(robot).getItems().size() == 1);
        assertThat(table(robot).getItems().get(0).qualifiedTool()).isEqualTo("payments.issueRefund");

        AuditRecord filteredOut = engine.call("support-agent", "crm.getAccount", "{}", false);
        AuditRecord matching = engine.call("billing-agent", "payments.getHistory", "{}", false);
        await().atMost(Duration.ofSeconds(5))
                .until(() -> table(robot).getItems().size() == 2);
        assertThat(table(robot).getItems())
                .extracting(AuditRecord::id)
                .contains(matching.id())
                .doesNotContain(filteredOut.id());
    }

    @Test
    void badFilterShowsTheProblemAndKeepsTheRows(FxRobot robot) {
        await().atMost(Duration.ofSeconds(10))
                .until(() -> table(robot).getItems().size() == 3);

        robot.clickOn("#filter-field").write("colour:red").type(KeyCode.ENTER);

        Label error = robot.lookup("#filter-error").queryAs(Label.class);
        assertThat(error.isVisible()).isTrue();
        assertThat(error.getText()).contains("unknown field 'colour'");
        assertThat(table(robot).getItems()).hasSize(3);
    }

    @Test
    void selectingACallShowsArgumentsRuleAndSourceLine(FxRobot robot) {
        await().atMost(Duration.ofSeconds(10))
                .until(() -> table(robot).getItems().size() == 3);

        robot.interact(() -> table(robot).getSelectionModel().select(2));

        String detail = robot.lookup("#call-detail").queryAs(TextArea.class).getText();
        assertThat(detail)
                .contains("BLOCKED by role billing deny payments.issueRefund")
                .contains("tollgate.yaml:14")
                .contains("\"amount\" : 40")
                .contains("billing-agent")
                .contains("Status:     — (blocked: never sent to the server)")
                .doesNotContain("Status:     error");
    }

    @Test
    void ctrlFFocusesTheFilterFromAnotherView(FxRobot robot) {
        robot.press(KeyCode.CONTROL, KeyCode.DIGIT6).release(KeyCode.DIGIT6, KeyCode.CONTROL);
        assertThat(shell.current()).isEqualTo(Section.ALERTS);

        robot.press(KeyCode.CONTROL, KeyCode.F).release(KeyCode.F, KeyCode.CONTROL);

        assertThat(shell.current()).isEqualTo(Section.LIVE);
        assertThat(robot.lookup("#filter-field").query().isFocused()).isTrue();
    }
}
