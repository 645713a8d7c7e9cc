package dev.tollgate.ui;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.tollgate.audit.AuditRecord;
import dev.tollgate.pipeline.BlockReason;
import dev.tollgate.testing.TemporaryAuditStore;
import dev.tollgate.ui.live.CallDetails;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.Optional;
import javafx.geometry.Bounds;
import javafx.scene.Node;
import javafx.scene.control.Button;
import javafx.scene.control.TableCell;
import javafx.scene.control.TableRow;
import javafx.scene.control.TableView;
import javafx.scene.text.Text;
import javafx.stage.Stage;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.testfx.api.FxRobot;
import org.testfx.framework.junit5.ApplicationExtension;
import org.testfx.framework.junit5.Start;
import org.testfx.util.WaitForAsyncUtils;

/**
 * The live table and the incident notice at the window's default size (1280 x 800): the time reads in full,
 * and a storm is announced once, above the status bar, until it is dismissed.
 */
@ExtendWith(ApplicationExtension.class)
class LiveAtDefaultSizeTest {
    private static final List<String> READABLE =
            List.of("col-time", "col-ago", "col-agent", "col-tool", "col-decision");

    @RegisterExtension
    final TemporaryAuditStore audit = TemporaryAuditStore.create();

    private final ShellFixture fixture = new ShellFixture();
    private TestEngine engine;
    private TollgateShell shell;
    private Stage stage;
    private AuditRecord old;

    @Start
    void start(Stage stage) {
        this.stage = stage;
        engine = new TestEngine(audit.store(), Optional.empty());
        old = engine.record(
                "onboarding-agent",
                "payments.updatePaymentMethod",
                "{}",
                Instant.now().minus(Duration.ofDays(40)),
                "s-old",
                Optional.empty(),
                false);
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

    /** What a cell shows on screen (with "…" when it is cut), by the record in its row and its column's id. */
    private static Optional<String> shown(FxRobot robot, AuditRecord record, String column) {
        return robot.lookup(".table-cell").queryAllAs(TableCell.class).stream()
                .filter(c -> c.getTableColumn() != null
                        && column.equals(c.getTableColumn().getId()))
                .filter(c -> c.getTableRow() instanceof TableRow<?> row && record.equals(row.getItem()))
                .findFirst()
                .map(c -> ((Node) c).lookup(".text") instanceof Text t ? t.getText() : "");
    }

    @Test
    void atTheDefaultWindowSizeTheTimeAndTheCallReadInFull(FxRobot robot) {
        assertThat(stage.getWidth()).isEqualTo(1280);
        AuditRecord today = engine.call("billing-agent", "payments.issueRefund", "{\"amount\":40}", false);
        await().atMost(Duration.ofSeconds(10))
                .until(() -> table(robot).getItems().size() == 2);
        WaitForAsyncUtils.waitForFxEvents();

        String clock = DateTimeFormatter.ofPattern("HH:mm:ss.SSS")
                .withZone(ZoneId.systemDefault())
                .format(today.timestamp());
        assertThat(shown(robot, today, "col-time")).contains(clock);
        assertThat(shown(robot, old, "col-time"))
                .contains(CallDetails.shortTime(old.timestamp(), LocalDate.now()))
                .hasValueSatisfying(text -> assertThat(text)
                        .matches("[A-Z][a-z]{2} \\d{1,2} \\d\\d:\\d\\d:\\d\\d|\\d{4}-\\d\\d-\\d\\d \\d\\d:\\d\\d"));
        for (AuditRecord r : List.of(today, old)) {
            for (String column : READABLE) {
                assertThat(shown(robot, r, column))
                        .as("%s of #%d", column, r.id())
                        .hasValueSatisfying(
                                text -> assertThat(text).doesNotContain("…").isNotBlank());
            }
        }
        assertThat(shown(robot, today, "col-ago")).contains("just now");
    }

    @Test
    void aStormIsAnnouncedOnceAboveTheStatusBarAndStaysDismissed(FxRobot robot) {
        robot.interact(() -> shell.navigate(Section.LIMITS));
        engine.callBlocked(
                "billing-agent", "payments.issueRefund", BlockReason.RATE_LIMIT, "role billing limit x 10/min");
        await().atMost(Duration.ofSeconds(5))
                .until(() -> robot.lookup(".notice-warning").tryQuery().isPresent());
        for (int i = 0; i < 30; i++) {
            engine.callBlocked(
                    "billing-agent", "payments.issueRefund", BlockReason.RATE_LIMIT, "role billing limit x 10/min");
        }
        await().atMost(Duration.ofSeconds(5))
                .until(() -> shell.alertsModel().alerts().get(0).count() == 31);
        WaitForAsyncUtils.waitForFxEvents();

        assertThat(robot.lookup(".notice-warning").queryAll()).hasSize(1);
        Node notice = robot.lookup(".notice-warning").query();
        assertThat(robot.from(notice).lookup(".notice-text").queryLabeled().getText())
                .startsWith("billing-agent · payments.issueRefund: 31 blocked (limit 31)");
        Bounds noticeOnScreen = notice.localToScreen(notice.getBoundsInLocal());
        Node statusBar = robot.lookup(".status-bar").query();
        Bounds barOnScreen = statusBar.localToScreen(statusBar.getBoundsInLocal());
        assertThat(noticeOnScreen.getMaxY()).isLessThanOrEqualTo(barOnScreen.getMinY());
        Node chart = robot.lookup("#limits-chart").query();
        Bounds chartOnScreen = chart.localToScreen(chart.getBoundsInLocal());
        assertThat(chartOnScreen.getMaxY()).isLessThanOrEqualTo(noticeOnScreen.getMinY());

        robot.clickOn(robot.from(notice).lookup(".notice-close").queryAs(Button.class));
        assertThat(robot.lookup(".notice-warning").tryQuery()).isEmpty();
        engine.callBlocked(
                "billing-agent", "payments.issueRefund", BlockReason.RATE_LIMIT, "role billing limit x 10/min");
        await().atMost(Duration.ofSeconds(5))
                .until(() -> shell.alertsModel().alerts().get(0).count() == 32);
        WaitForAsyncUtils.waitForFxEvents();
        assertThat(robot.lookup(".notice-warning").tryQuery()).isEmpty();
        assertThat(robot.lookup("#nav-alerts").queryLabeled().getText()).isEqualTo("Alerts (1)");
    }
}
