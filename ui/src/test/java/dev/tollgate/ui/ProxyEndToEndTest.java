package dev.tollgate.ui;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.tollgate.audit.AuditRecord;
import dev.tollgate.config.ConfigLoader;
import dev.tollgate.engine.TollgateEngine;
import dev.tollgate.testing.AgentClient;
import dev.tollgate.testing.McpTestServer;
import io.modelcontextprotocol.spec.McpSchema;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import javafx.scene.Node;
import javafx.scene.control.TableView;
import javafx.scene.input.KeyCode;
import javafx.stage.Stage;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.testfx.api.FxRobot;
import org.testfx.framework.junit5.ApplicationExtension;
import org.testfx.framework.junit5.Start;

/** An SDK agent calls through a real Tollgate proxy to an SDK server while the window watches. */
@ExtendWith(ApplicationExtension.class)
class ProxyEndToEndTest {
    private static final String KEY = "billing-key-ui";

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
        shell = fixture.open(stage, engine);
    }

    @AfterEach
    void tearDown() throws Exception {
        fixture.close();
        engine.close();
        crm.close();
    }

    @SuppressWarnings("unchecked")
    private TableView<AuditRecord> table(FxRobot robot) {
        return robot.lookup("#call-table").queryAs(TableView.class);
    }

    @Test
    void aCallThroughTheProxyAppearsLiveAndABlockedOneAlertsAndJumpsToItsRow(FxRobot robot) {
        try (AgentClient agent = AgentClient.builder(
                        engine.endpoint().orElseThrow().toString())
                .bearer(KEY)
                .conversation("conv-ui")
                .connect()) {
            McpSchema.CallToolResult echo = agent.call("crm__echo", Map.of("text", "hello from the agent"));
            assertThat(echo.isError()).isFalse();

            await().atMost(Duration.ofSeconds(5))
                    .until(() -> table(robot).getItems().stream()
                            .anyMatch(r -> r.qualifiedTool().equals("crm.echo")
                                    && r.conversationId().orElse("").equals("conv-ui")));

            robot.interact(() -> shell.navigate(Section.REPLAY));
            McpSchema.CallToolResult charge = agent.call("crm__charge", Map.of("amount", 4000));
            assertThat(charge.isError()).isTrue();
        }

        await().atMost(Duration.ofSeconds(5))
                .until(() -> robot.lookup(".notice-warning").tryQuery().isPresent());
        Node popup = robot.lookup(".notice-warning").query();
        robot.clickOn(popup);

        await().atMost(Duration.ofSeconds(5))
                .until(() -> table(robot).getSelectionModel().getSelectedItem() != null);
        AuditRecord selected = table(robot).getSelectionModel().getSelectedItem();
        assertThat(selected.qualifiedTool()).isEqualTo("crm.charge");
        assertThat(selected.blocked()).isTrue();

        robot.clickOn("#filter-field").write("decision:blocked").type(KeyCode.ENTER);

        await().atMost(Duration.ofSeconds(5))
                .until(() -> table(robot).getItems().size() == 1);
        assertThat(table(robot).getItems().get(0).qualifiedTool()).isEqualTo("crm.charge");
    }
}
