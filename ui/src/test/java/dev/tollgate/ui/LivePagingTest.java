package dev.tollgate.ui;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.tollgate.audit.AuditRecord;
import dev.tollgate.json.Json;
import dev.tollgate.testing.TemporaryAuditStore;
import dev.tollgate.ui.live.LiveViewModel;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import javafx.scene.control.TableView;
import javafx.stage.Stage;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.testfx.api.FxRobot;
import org.testfx.framework.junit5.ApplicationExtension;
import org.testfx.framework.junit5.Start;

/** The timeline never loads the whole store: it shows the newest page and pages older ones in by id. */
@ExtendWith(ApplicationExtension.class)
class LivePagingTest {
    private static final int RECORDS = 450;

    @RegisterExtension
    final TemporaryAuditStore audit = TemporaryAuditStore.create();

    private final ShellFixture fixture = new ShellFixture();
    private TestEngine engine;
    private TollgateShell shell;

    @Start
    void start(Stage stage) throws Exception {
        engine = new TestEngine(audit.store(), Optional.empty());
        Instant t0 = Instant.now().minusSeconds(RECORDS);
        List<AuditRecord> history = new ArrayList<>();
        for (int i = 0; i < RECORDS; i++) {
            boolean refund = i % 9 == 0;
            history.add(new AuditRecord(
                    0,
                    t0.plusSeconds(i),
                    refund ? "billing-agent" : "support-agent",
                    "s-" + (i % 5),
                    Optional.empty(),
                    refund ? "payments" : "crm",
                    refund ? "issueRefund" : "getAccount",
                    Json.parse("{\"n\":" + i + "}"),
                    refund ? "blocked" : "allowed",
                    "rule",
                    Optional.empty(),
                    "",
                    refund ? "error" : "success",
                    i % 100,
                    10,
                    Optional.empty(),
                    Optional.empty(),
                    "",
                    ""));
        }
        audit.store().appendCompleted(history);
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
    void showsTheNewestPageAndLoadsOlderPagesOnRequest(FxRobot robot) {
        await().atMost(Duration.ofSeconds(10))
                .until(() -> table(robot).getItems().size() == LiveViewModel.PAGE);
        assertThat(table(robot)
                        .getItems()
                        .get(LiveViewModel.PAGE - 1)
                        .arguments()
                        .get("n")
                        .asInt())
                .isEqualTo(RECORDS - 1);

        robot.clickOn("#load-older");
        await().atMost(Duration.ofSeconds(10))
                .until(() -> table(robot).getItems().size() == 2 * LiveViewModel.PAGE);
        robot.clickOn("#load-older");
        await().atMost(Duration.ofSeconds(10))
                .until(() -> table(robot).getItems().size() == RECORDS);

        assertThat(table(robot).getItems().get(0).arguments().get("n").asInt()).isZero();
        assertThat(robot.lookup("#load-older").queryButton().isDisabled()).isTrue();
        assertThat(shell.liveModel().autoScrollProperty().get()).isFalse();
    }

    @Test
    void aFilterTheStoreCannotEvaluatePagesUntilItHasEnoughMatches(FxRobot robot) {
        await().atMost(Duration.ofSeconds(10))
                .until(() -> table(robot).getItems().size() == LiveViewModel.PAGE);

        robot.interact(() -> {
            shell.liveModel().filterTextProperty().set("agent:billing-* latency<50");
            shell.liveModel().applyFilter();
        });

        await().atMost(Duration.ofSeconds(10))
                .until(() -> !shell.liveModel().loadingProperty().get()
                        && table(robot).getItems().size() == 26);
        assertThat(table(robot).getItems()).allMatch(r -> r.agentId().equals("billing-agent") && r.latencyMs() < 50);
    }
}
