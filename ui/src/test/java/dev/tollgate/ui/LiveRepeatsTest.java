package dev.tollgate.ui;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.tollgate.audit.AuditRecord;
import dev.tollgate.testing.TemporaryAuditStore;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import javafx.scene.control.TableCell;
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
class LiveRepeatsTest {
    private static final int STORED = 20;
    private static final int LIVE = 10;
    private static final String REFUND = "{\"amount\":40}";

    @RegisterExtension
    final TemporaryAuditStore audit = TemporaryAuditStore.create();

    private final ShellFixture fixture = new ShellFixture();
    private TestEngine engine;

    @Start
    void start(Stage stage) {
        engine = new TestEngine(audit.store(), Optional.empty());
        Instant t0 = Instant.now().minusSeconds(120);
        engine.record("billing-agent", "crm.getAccount", "{\"id\":\"A-1\"}", t0, "s-1", Optional.empty(), false);
        for (int i = 0; i < STORED; i++) {
            engine.record(
                    "billing-agent",
                    "payments.issueRefund",
                    REFUND,
                    t0.plusSeconds(1 + i),
                    "s-1",
                    Optional.empty(),
                    true);
        }
        fixture.open(stage, engine);
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

    private static String cell(TableView<AuditRecord> table, String columnId, int row) {
        return String.valueOf(table.getColumns().stream()
                .filter(c -> columnId.equals(c.getId()))
                .findFirst()
                .orElseThrow()
                .getCellData(row));
    }

    @Test
    void aStormOfIdenticalBlockedCallsIsOneRowThatExpandsIntoItsCalls(FxRobot robot) {
        await().atMost(Duration.ofSeconds(10))
                .until(() -> table(robot).getItems().size() == 2);
        for (int i = 0; i < LIVE; i++) {
            engine.call("billing-agent", "payments.issueRefund", REFUND, true);
        }
        int storm = STORED + LIVE;
        await().atMost(Duration.ofSeconds(10))
                .until(() -> cell(table(robot), "col-repeats", 1).startsWith("×" + storm));
        assertThat(table(robot).getItems()).hasSize(2);
        assertThat(cell(table(robot), "col-repeats", 0)).isEmpty();
        assertThat(cell(table(robot), "col-ago", 0)).isEqualTo("2 min ago");

        robot.clickOn(robot.lookup(".repeat-count").queryAll().stream()
                .filter(n -> n instanceof TableCell<?, ?> c
                        && c.getText() != null
                        && c.getText().startsWith("×"))
                .findFirst()
                .orElseThrow());

        await().atMost(Duration.ofSeconds(5))
                .until(() -> table(robot).getItems().size() == 1 + storm);
        assertThat(table(robot).getItems().subList(1, 1 + storm))
                .allMatch(r -> r.blocked() && r.tool().equals("issueRefund"));

        AuditRecord different = engine.call("billing-agent", "payments.issueRefund", "{\"amount\":41}", true);
        await().atMost(Duration.ofSeconds(5))
                .until(() -> table(robot).getItems().contains(different));
        assertThat(table(robot).getItems()).hasSize(2 + storm);
    }
}
