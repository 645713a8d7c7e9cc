package dev.tollgate.ui;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.tollgate.engine.TollgateEngine;
import dev.tollgate.testing.AgentClient;
import dev.tollgate.testing.GovernedPayments;
import dev.tollgate.ui.export.Exporter;
import dev.tollgate.ui.shadow.ShadowViewModel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import javafx.scene.control.Label;
import javafx.scene.control.Tab;
import javafx.scene.control.TabPane;
import javafx.scene.control.TableView;
import javafx.stage.Stage;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.testfx.api.FxRobot;
import org.testfx.framework.junit5.ApplicationExtension;
import org.testfx.framework.junit5.Start;
import org.testfx.util.WaitForAsyncUtils;

/** The Policy view's Shadow tab over a real proxy with a shadow candidate: live disagreements, then Promote. */
@ExtendWith(ApplicationExtension.class)
class ShadowTabTest {
    private static final String KEY = "billing-key-ui";

    @TempDir
    static Path dir;

    private final ShellFixture fixture = new ShellFixture();
    private GovernedPayments gateway;
    private TollgateEngine engine;
    private TollgateShell shell;
    private Stage stage;

    private static final String AGENTS = "agents:\n  billing-agent: { keys: [\"" + KEY + "\"], roles: [billing] }\n"
            + "roles:\n  billing:\n    allow: [\"payments.*\"]\n";

    @Start
    void start(Stage stage) throws Exception {
        this.stage = stage;
        Path run = Files.createTempDirectory(dir, "run");
        gateway = GovernedPayments.start(run, head -> {
            Files.writeString(
                    run.resolve("candidate.yaml"),
                    head + AGENTS
                            + "    deny:\n      - { tool: payments.charge,\n          when: 'session.sum(\"payments.charge\", \"amount\")"
                            + " + double(args.amount) > 500' }\n");
            return head + AGENTS + "shadow: candidate.yaml\n";
        });
        engine = gateway.engine();
        stage.setWidth(1280);
        stage.setHeight(800);
        shell = fixture.open(stage, engine);
    }

    @AfterEach
    void tearDown() throws Exception {
        fixture.close();
        gateway.close();
    }

    @Test
    void disagreementsAppearLiveAndPromoteMakesTheCandidateTheRunningPolicy(FxRobot robot) throws Exception {
        robot.interact(() -> shell.navigate(Section.POLICY));
        TabPane tabs = robot.lookup(".tab-pane").queryAs(TabPane.class);
        Tab shadowTab = tabs.getTabs().stream()
                .filter(t -> t.getText().equals("Shadow"))
                .findFirst()
                .orElseThrow();
        robot.interact(() -> tabs.getSelectionModel().select(shadowTab));
        @SuppressWarnings("unchecked")
        TableView<ShadowViewModel.Row> table = robot.lookup("#shadow-table").queryAs(TableView.class);
        try (AgentClient agent =
                gateway.agentBuilder(KEY).conversation("conv-billing-2240").connect()) {
            for (int i = 0; i < 5; i++) {
                assertThat(agent.call("payments__charge", Map.of("amount", 120)).isError())
                        .isFalse();
            }
            await().atMost(Duration.ofSeconds(10)).until(() -> table.getItems().size() == 1);
            ShadowViewModel.Row row = table.getItems().get(0);
            assertThat(row.tool()).isEqualTo("payments.charge");
            assertThat(row.live()).isEqualTo("allowed");
            assertThat(row.shadow()).isEqualTo("blocked");
            assertThat(row.shadowRule()).contains("session.sum");
            assertThat(robot.lookup("#shadow-summary").queryAs(Label.class).getText())
                    .contains("1 disagreements")
                    .contains("1 the candidate would block");
            robot.interact(() -> table.getSelectionModel().select(0));
            assertThat(robot.lookup("#shadow-details").queryAs(Label.class).getText())
                    .contains("Candidate: blocked by role billing deny payments.charge when session.sum");
            shoot(Path.of(System.getProperty("tollgate.screenshots", "target/screenshots"))
                    .resolve("policy-shadow.png"));

            robot.clickOn("#shadow-promote");

            await().atMost(Duration.ofSeconds(10))
                    .until(() -> robot.lookup("#shadow-message")
                            .queryAs(Label.class)
                            .getText()
                            .contains("is now the running configuration"));
            await().atMost(Duration.ofSeconds(10))
                    .until(() -> agent.call("payments__charge", Map.of("amount", 120))
                            .isError());
        }
        assertThat(gateway.payments().chargeCount()).isEqualTo(5);
    }

    private void shoot(Path file) throws Exception {
        Files.createDirectories(file.getParent());
        WaitForAsyncUtils.waitForFxEvents();
        WaitForAsyncUtils.asyncFx(() -> {
                    Exporter.writePng(stage.getScene().getRoot(), file);
                    return null;
                })
                .get();
        assertThat(Files.size(file)).isGreaterThan(5_000);
    }
}
