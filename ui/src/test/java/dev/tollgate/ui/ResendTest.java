package dev.tollgate.ui;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.tollgate.audit.AuditQuery;
import dev.tollgate.audit.AuditRecord;
import dev.tollgate.config.ConfigLoader;
import dev.tollgate.engine.CallReplayer;
import dev.tollgate.engine.TollgateEngine;
import dev.tollgate.testing.AgentClient;
import dev.tollgate.testing.McpTestServer;
import dev.tollgate.ui.live.CurlCommand;
import dev.tollgate.ui.replay.TimelineEntry;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import javafx.application.Platform;
import javafx.scene.Node;
import javafx.scene.control.Button;
import javafx.scene.control.ListCell;
import javafx.scene.control.ListView;
import javafx.scene.control.MenuItem;
import javafx.scene.control.TableRow;
import javafx.scene.control.TableView;
import javafx.scene.control.TextArea;
import javafx.stage.Stage;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.testfx.api.FxRobot;
import org.testfx.framework.junit5.ApplicationExtension;
import org.testfx.framework.junit5.Start;
import org.testfx.util.WaitForAsyncUtils;

/** A recorded call is re-sent from Replay through a real Tollgate to a real MCP server and diffed with the record. */
@ExtendWith(ApplicationExtension.class)
class ResendTest {
    private static final String KEY = "billing-key-resend";

    @TempDir
    static Path dir;

    private final ShellFixture fixture = new ShellFixture();
    private McpTestServer crm;
    private TollgateEngine engine;
    private TollgateShell shell;

    @Start
    void start(Stage stage) throws Exception {
        crm = McpTestServer.builder().tools("echo", "charge").start();
        Path run = Files.createTempDirectory(dir, "run");
        Path file = Files.writeString(
                run.resolve("tollgate.yaml"),
                "listen: 127.0.0.1:0\n"
                        + "audit:\n  url: \"jdbc:h2:file:"
                        + run.resolve("audit").toString().replace('\\', '/') + "\"\n"
                        + "servers:\n  crm: { url: \"" + crm.url() + "\" }\n"
                        + "agents:\n  billing-agent: { keys: [\"" + KEY + "\"], roles: [billing] }\n"
                        + "roles:\n  billing:\n    allow: [\"crm.*\"]\n    deny: [\"crm.charge\"]\n");
        engine = TollgateEngine.start(new ConfigLoader().load(file));
        try (AgentClient agent = AgentClient.builder(
                        engine.endpoint().orElseThrow().toString())
                .bearer(KEY)
                .conversation("conv-resend")
                .connect()) {
            agent.call("crm__echo", Map.of("text", "hello again"));
            agent.call("crm__charge", Map.of("amount", 4000));
        }
        shell = fixture.open(stage, engine);
    }

    @AfterEach
    void tearDown() throws Exception {
        fixture.close();
        engine.close();
        crm.close();
    }

    private long recordCount() {
        return engine.audit().count(AuditQuery.all());
    }

    private void openConversation(FxRobot robot) {
        robot.clickOn("#nav-replay");
        await().atMost(Duration.ofSeconds(10))
                .until(() -> shell.replayModel().sessions().stream().anyMatch(s -> s.id().equals("conv-resend")));
        robot.interact(() -> shell.replayModel()
                .sessionProperty()
                .set(shell.replayModel().sessions().stream()
                        .filter(s -> s.id().equals("conv-resend"))
                        .findFirst()
                        .orElseThrow()));
        await().atMost(Duration.ofSeconds(10))
                .until(() -> robot.lookup("#replay-timeline")
                                .queryAs(ListView.class)
                                .getItems()
                                .size()
                        == 2);
    }

    private void selectCall(FxRobot robot, String tool) {
        Node cell = robot.lookup("#replay-timeline .list-cell")
                .lookup((ListCell<?> c) -> c.getItem() instanceof TimelineEntry.Call call
                        && call.record().qualifiedTool().equals(tool))
                .query();
        robot.clickOn(cell);
    }

    private String text(FxRobot robot, String id) {
        return robot.lookup(id).queryAs(TextArea.class).getText();
    }

    @Test
    void aReadOnlyToolIsReSentWithoutAskingAndTheResultsAreShownSideBySideWithTheirDiff(FxRobot robot) {
        openConversation(robot);
        selectCall(robot, "crm.echo");
        long before = recordCount();

        robot.clickOn("#replay-resend");

        await().atMost(Duration.ofSeconds(10))
                .until(() -> !text(robot, "#resend-new").isEmpty());
        assertThat(robot.lookup(".dialog-pane").tryQuery()).isEmpty();
        assertThat(text(robot, "#resend-recorded")).contains("hello again");
        assertThat(text(robot, "#resend-new")).contains("hello again");
        assertThat(text(robot, "#resend-diff")).doesNotContain("\n+ ").doesNotContain("\n- ");
        assertThat(robot.lookup("#resend-summary").queryLabeled().getText())
                .contains("crm.echo")
                .contains("same result as recorded");
        assertThat(recordCount()).isEqualTo(before + 1);
        assertThat(engine.audit()
                        .query(AuditQuery.builder().agent(CallReplayer.AGENT_ID).build()))
                .singleElement()
                .satisfies(r -> assertThat(r.qualifiedTool()).isEqualTo("crm.echo"));
    }

    @Test
    void aToolNotMarkedReadOnlyAsksFirstAndItsReSendIsStillGovernedByPolicy(FxRobot robot) {
        openConversation(robot);
        selectCall(robot, "crm.charge");
        long before = recordCount();

        robot.clickOn("#replay-resend");
        await().atMost(Duration.ofSeconds(5))
                .until(() -> robot.lookup(".dialog-pane").tryQuery().isPresent());
        assertThat(robot.lookup(".dialog-pane .content").queryLabeled().getText())
                .contains("crm.charge")
                .contains("may change data");
        robot.clickOn(robot.lookup(".dialog-pane .button")
                .lookup((Button b) -> b.getText().equals("Cancel"))
                .queryButton());
        assertThat(recordCount()).isEqualTo(before);
        assertThat(text(robot, "#resend-new")).isEmpty();

        robot.clickOn("#replay-resend");
        await().atMost(Duration.ofSeconds(5))
                .until(() -> robot.lookup(".dialog-pane").tryQuery().isPresent());
        robot.clickOn(robot.lookup(".dialog-pane .button")
                .lookup((Button b) -> b.getText().equals("OK"))
                .queryButton());

        await().atMost(Duration.ofSeconds(10))
                .until(() -> !text(robot, "#resend-new").isEmpty());
        assertThat(text(robot, "#resend-new")).contains("crm.charge").contains("blocked");
        assertThat(robot.lookup("#resend-summary").queryLabeled().getText()).contains("blocked");
        assertThat(crm.chargeCount()).isZero();
        assertThat(recordCount()).isEqualTo(before + 1);
    }

    @SuppressWarnings("unchecked")
    private void chooseFromLiveRowMenu(FxRobot robot, String tool, String item) {
        robot.clickOn("#nav-live");
        await().atMost(Duration.ofSeconds(10))
                .until(() -> robot.lookup("#call-table").queryAs(TableView.class).getItems().stream()
                        .anyMatch(r -> ((AuditRecord) r).qualifiedTool().equals(tool)));
        TableRow<AuditRecord> row = robot.lookup("#call-table .table-row-cell")
                .lookup((TableRow<AuditRecord> r) ->
                        r.getItem() != null && r.getItem().qualifiedTool().equals(tool))
                .query();
        robot.clickOn(row);
        // Headless Monocle shows no popup for a right click: the row's menu item is chosen as its click would.
        MenuItem chosen = row.getContextMenu().getItems().stream()
                .filter(m -> item.equals(m.getText()))
                .findFirst()
                .orElseThrow();
        assertThat(chosen.isDisable()).isFalse();
        // Not waited for: a confirmation dialog keeps the FX thread in its own loop until answered.
        Platform.runLater(chosen::fire);
        WaitForAsyncUtils.waitForFxEvents();
    }

    @Test
    void copyAsCurlFromLiveReIssuesTheCallWithTheKeyLeftToTheUser(FxRobot robot) throws Exception {
        chooseFromLiveRowMenu(robot, "crm.echo", "Copy as curl");
        // Headless Monocle has no system clipboard to read back: the command is the one the menu item copies.
        AuditRecord echo = engine.audit()
                .query(AuditQuery.builder().tool("crm.echo").build())
                .get(0);
        String command = CurlCommand.of(echo, engine.endpoint(), "__");
        assertThat(command)
                .contains("curl -sS '" + engine.endpoint().orElseThrow() + "'")
                .contains("$TOLLGATE_AGENT_KEY")
                .contains("crm__echo")
                .contains("hello again")
                .contains("conv-resend")
                .doesNotContain(KEY);
        long before = recordCount();

        Process curl = new ProcessBuilder("bash", "-c", command)
                .redirectErrorStream(true)
                .start();
        curl.getOutputStream().close();
        Map<String, String> env = new ProcessBuilder().environment();
        assertThat(env).doesNotContainKey("TOLLGATE_AGENT_KEY");
        String withoutKey = new String(curl.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
        curl.waitFor();
        assertThat(withoutKey).doesNotContain("hello again");

        ProcessBuilder withKey = new ProcessBuilder("bash", "-c", command).redirectErrorStream(true);
        withKey.environment().put("TOLLGATE_AGENT_KEY", KEY);
        Process again = withKey.start();
        again.getOutputStream().close();
        String answer = new String(again.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
        assertThat(again.waitFor()).isZero();
        assertThat(answer).contains("hello again").doesNotContain("\"isError\":true");
        await().atMost(Duration.ofSeconds(5)).until(() -> recordCount() == before + 1);
        assertThat(engine.audit().query(AuditQuery.builder().limit(1).build()))
                .singleElement()
                .satisfies(r -> {
                    assertThat(r.agentId()).isEqualTo("billing-agent");
                    assertThat(r.qualifiedTool()).isEqualTo("crm.echo");
                    assertThat(r.conversationId()).contains("conv-resend");
                });
    }

    @Test
    @SuppressWarnings("unchecked")
    void reSendFromLiveAsksWithReplaysWordsAndShowsTheGovernedResultInReplay(FxRobot robot) {
        long before = recordCount();
        chooseFromLiveRowMenu(robot, "crm.charge", "Re-send…");
        await().atMost(Duration.ofSeconds(5))
                .until(() -> robot.lookup(".dialog-pane").tryQuery().isPresent());
        assertThat(robot.lookup(".dialog-pane .content").queryLabeled().getText())
                .contains("crm.charge")
                .contains("audited as agent " + CallReplayer.AGENT_ID)
                .contains("billing-agent's rate limits and loop breaker");
        robot.clickOn(robot.lookup(".dialog-pane .button")
                .lookup((Button b) -> b.getText().equals("OK"))
                .queryButton());

        await().atMost(Duration.ofSeconds(10))
                .until(() -> !text(robot, "#resend-new").isEmpty());
        assertThat(shell.current()).isEqualTo(Section.REPLAY);
        assertThat(robot.lookup("#resend-summary").queryLabeled().getText()).contains("blocked");
        assertThat(crm.chargeCount()).isZero();
        assertThat(recordCount()).isEqualTo(before + 1);

        // Replay shows the new call: its row in the conversation's time line is selected and on screen.
        long resentId = engine.audit()
                .query(AuditQuery.builder().agent(CallReplayer.AGENT_ID).build())
                .get(0)
                .id();
        ListView<TimelineEntry> timeline = robot.lookup("#replay-timeline").queryAs(ListView.class);
        await().atMost(Duration.ofSeconds(10))
                .until(() -> timeline.getSelectionModel().getSelectedItem() instanceof TimelineEntry.Call call
                        && call.record().id() == resentId);
        assertThat(((TimelineEntry.Call) timeline.getSelectionModel().getSelectedItem())
                        .record()
                        .agentId())
                .isEqualTo(CallReplayer.AGENT_ID);
        assertThat(robot.lookup("#replay-timeline .list-cell")
                        .lookup((ListCell<?> c) -> c.isVisible()
                                && c.getItem() instanceof TimelineEntry.Call call
                                && call.record().id() == resentId)
                        .tryQuery())
                .isPresent();
    }
}
