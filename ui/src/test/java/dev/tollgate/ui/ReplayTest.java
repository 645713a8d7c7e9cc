package dev.tollgate.ui;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.tollgate.testing.TemporaryAuditStore;
import dev.tollgate.ui.replay.SessionSummary;
import dev.tollgate.ui.replay.TimelineEntry;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import javafx.scene.Node;
import javafx.scene.control.ListView;
import javafx.scene.control.TextArea;
import javafx.stage.Stage;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.testfx.api.FxRobot;
import org.testfx.framework.junit5.ApplicationExtension;
import org.testfx.framework.junit5.Start;

@ExtendWith(ApplicationExtension.class)
class ReplayTest {
    private static final Instant T0 = Instant.parse("2026-11-24T10:00:00Z");

    @RegisterExtension
    final TemporaryAuditStore audit = TemporaryAuditStore.create();

    @TempDir
    Path dir;

    private final ShellFixture fixture = new ShellFixture();
    private TestEngine engine;
    private TollgateShell shell;

    @Start
    void start(Stage stage) {
        engine = new TestEngine(audit.store(), Optional.empty());
        engine.record(
                "billing-agent",
                "crm.getAccount",
                "{\"id\":\"A-7\"}",
                T0.plusSeconds(2),
                "mcp-1",
                Optional.of("conv-refund"),
                false);
        engine.record(
                "billing-agent",
                "payments.issueRefund",
                "{\"amount\":40}",
                T0.plusSeconds(5),
                "mcp-1",
                Optional.of("conv-refund"),
                true);
        engine.record(
                "billing-agent",
                "payments.issueRefund",
                "{\"amount\":40}",
                T0.plusSeconds(6),
                "mcp-1",
                Optional.of("conv-refund"),
                true);
        engine.record("support-agent", "tickets.create", "{}", T0.plusSeconds(3), "mcp-2", Optional.empty(), false);
        shell = fixture.open(stage, engine);
    }

    @AfterEach
    void tearDown() throws Exception {
        fixture.close();
        engine.close();
    }

    @SuppressWarnings("unchecked")
    private ListView<TimelineEntry> timeline(FxRobot robot) {
        return robot.lookup("#replay-timeline").queryAs(ListView.class);
    }

    @Test
    void conversationTranscriptIsInterleavedWithItsCallsInTimestampOrder(FxRobot robot) throws Exception {
        Path transcript = dir.resolve("conv.jsonl");
        Files.writeString(
                transcript,
                String.join(
                        "\n",
                        "{\"conversationId\":\"conv-refund\",\"timestamp\":\"" + T0
                                + "\",\"role\":\"user\",\"text\":\"Refund order 42 please\"}",
                        "{\"conversation_id\":\"conv-refund\",\"timestamp\":\"" + T0.plusSeconds(4)
                                + "\",\"role\":\"assistant\",\"text\":\"Issuing the refund now\"}",
                        "not json",
                        "{\"conversationId\":\"conv-refund\",\"timestamp\":\"" + T0.plusSeconds(7)
                                + "\",\"role\":\"assistant\",\"text\":\"The refund was blocked\"}",
                        ""));
        robot.clickOn("#nav-replay");
        robot.interact(() -> shell.replayModel().importTranscript(transcript));

        await().atMost(Duration.ofSeconds(10))
                .until(() -> robot.lookup("#session-list").queryListView().getItems().stream()
                        .anyMatch(s -> s instanceof SessionSummary summary
                                && summary.id().equals("conv-refund")
                                && summary.turns() == 3));
        robot.clickOn("#session-search").write("billing");
        Node cell = robot.lookup("#session-list .list-cell")
                .lookup((javafx.scene.control.ListCell<?> c) ->
                        c.getItem() instanceof SessionSummary s && s.id().equals("conv-refund"))
                .query();
        robot.clickOn(cell);

        await().atMost(Duration.ofSeconds(10))
                .until(() -> timeline(robot).getItems().size() == 6);
        List<String> order = timeline(robot).getItems().stream()
                .map(e -> e instanceof TimelineEntry.Turn t
                        ? "turn:" + t.turn().role()
                        : "call:" + ((TimelineEntry.Call) e).record().qualifiedTool())
                .toList();
        assertThat(order)
                .containsExactly(
                        "turn:user",
                        "call:crm.getAccount",
                        "turn:assistant",
                        "call:payments.issueRefund",
                        "call:payments.issueRefund",
                        "turn:assistant");
        assertThat(shell.replayModel().messageProperty().get()).isEqualTo("6 steps");

        robot.clickOn("#replay-forward");
        assertThat(robot.lookup("#replay-detail").queryAs(TextArea.class).getText())
                .contains("crm.getAccount")
                .contains("A-7");

        robot.clickOn("#replay-next-blocked");
        assertThat(shell.replayModel().positionProperty().get()).isEqualTo(3);
        robot.clickOn("#replay-back");
        assertThat(robot.lookup("#replay-detail").queryAs(TextArea.class).getText())
                .contains("Issuing the refund now");
    }

    @Test
    void playAtTenTimesReachesTheEnd(FxRobot robot) {
        robot.clickOn("#nav-replay");
        await().atMost(Duration.ofSeconds(10))
                .until(() -> !robot.lookup("#session-list")
                        .queryListView()
                        .getItems()
                        .isEmpty());
        robot.interact(() -> shell.replayModel()
                .sessionProperty()
                .set(shell.replayModel().sessions().stream()
                        .filter(s -> s.id().equals("conv-refund"))
                        .findFirst()
                        .orElseThrow()));
        await().atMost(Duration.ofSeconds(10))
                .until(() -> timeline(robot).getItems().size() == 3);

        robot.clickOn("#replay-play10");

        await().atMost(Duration.ofSeconds(10))
                .until(() -> shell.replayModel().positionProperty().get() == 2
                        && !shell.replayModel().playingProperty().get());
    }

    @Test
    void reSendingIsUnavailableWhenNoProxyIsRunning(FxRobot robot) {
        robot.clickOn("#nav-replay");
        await().atMost(Duration.ofSeconds(10))
                .until(() -> !robot.lookup("#session-list")
                        .queryListView()
                        .getItems()
                        .isEmpty());
        robot.interact(() -> shell.replayModel()
                .sessionProperty()
                .set(shell.replayModel().sessions().stream()
                        .filter(s -> s.id().equals("conv-refund"))
                        .findFirst()
                        .orElseThrow()));
        await().atMost(Duration.ofSeconds(10))
                .until(() -> shell.replayModel().currentCall().isPresent());

        assertThat(robot.lookup("#replay-resend").queryButton().isDisabled()).isTrue();
    }
}
