package dev.tollgate.ui;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.tollgate.audit.AuditRecord;
import dev.tollgate.testing.TemporaryAuditStore;
import dev.tollgate.ui.export.Exporter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import javafx.scene.control.TableView;
import javafx.stage.Stage;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.testfx.api.FxRobot;
import org.testfx.framework.junit5.ApplicationExtension;
import org.testfx.framework.junit5.Start;

/**
 * Writes a PNG of each main view. By default into {@code target/screenshots}; the README's images are
 * refreshed with {@code -Dtollgate.screenshots=../docs/screenshots}.
 */
@ExtendWith(ApplicationExtension.class)
class ScreenshotTest {
    @RegisterExtension
    final TemporaryAuditStore audit = TemporaryAuditStore.create();
    @TempDir
    Path dir;
    private final ShellFixture fixture = new ShellFixture();
    private TestEngine engine;
    private TollgateShell shell;
    private Stage stage;
    private dev.tollgate.policy.PolicyHolder holder;

    private static final String POLICY = String.join("\n",
            "# Who may call which tool; deny wins, anything not allowed is denied.",
            "listen: 127.0.0.1:7070",
            "servers:",
            "  crm:      { url: \"http://127.0.0.1:9001/mcp\" }",
            "  payments: { url: \"http://127.0.0.1:9002/mcp\" }",
            "agents:",
            "  billing-agent:    { keys: [\"k1\"], roles: [billing] }",
            "  support-agent:    { keys: [\"k2\"], roles: [support] }",
            "  onboarding-agent: { keys: [\"k3\"], roles: [onboarding] }",
            "roles:",
            "  billing:",
            "    allow: [\"crm.getAccount\", \"payments.getHistory\", \"payments.issueRefund\"]",
            "    limits: { \"payments.issueRefund\": \"10/min\", \"*\": \"600/min\" }",
            "  support:",
            "    allow: [\"crm.getAccount\", \"tickets.create\"]",
            "  onboarding:",
            "    allow: [\"crm.getAccount\", \"calendar.schedule\"]",
            "");

    @Start
    void start(Stage stage) throws Exception {
        this.stage = stage;
        engine = new TestEngine(audit.store(), Optional.empty());
        Path file = Files.writeString(dir.resolve("tollgate.yaml"), POLICY);
        dev.tollgate.config.ConfigLoader loader = new dev.tollgate.config.ConfigLoader();
        holder = dev.tollgate.policy.PolicyHolder.load(file, loader, engine.events(), java.time.Clock.systemUTC());
        engine.usePolicy(new dev.tollgate.policy.FilePolicyControl(holder, loader, audit.store(),
                ref -> dev.tollgate.pipeline.ToolAnnotations.NONE));
        Instant t0 = Instant.now().minusSeconds(240);
        String[][] script = {
                {"billing-agent", "crm.getAccount", "{\"accountId\":\"ACME-1\"}", "n"},
                {"billing-agent", "payments.getHistory", "{\"accountId\":\"ACME-1\",\"days\":30}", "n"},
                {"support-agent", "tickets.create", "{\"title\":\"Card charged twice\"}", "n"},
                {"onboarding-agent", "calendar.schedule", "{\"when\":\"2026-11-26T09:00Z\"}", "n"},
                {"billing-agent", "payments.issueRefund", "{\"orderId\":\"O-42\",\"amount\":129.0}", "y"},
        };
        for (int i = 0; i < 60; i++) {
            String[] s = script[i % script.length];
            engine.record(s[0], s[1], s[2], t0.plusSeconds(i * 4L), "mcp-" + (i % 3), Optional.of("conv-" + (i % 4)),
                    s[3].equals("y") && i > 30);
        }
        stage.setWidth(1280);
        stage.setHeight(800);
        shell = fixture.open(stage, engine);
        stage.setWidth(1280);
        stage.setHeight(800);
    }

    @AfterEach
    void tearDown() throws Exception {
        fixture.close();
        holder.close();
        engine.close();
    }

    @Test
    void writesAPngOfEachMainView(FxRobot robot) throws Exception {
        Path out = Path.of(System.getProperty("tollgate.screenshots", "target/screenshots"));
        Files.createDirectories(out);
        @SuppressWarnings("unchecked")
        TableView<AuditRecord> table = robot.lookup("#call-table").queryAs(TableView.class);
        await().atMost(Duration.ofSeconds(10)).until(() -> table.getItems().size() == 60);
        for (int i = 0; i < 5; i++) {
            engine.call("billing-agent", "payments.issueRefund", "{\"orderId\":\"O-42\",\"amount\":129.0}", true);
        }
        await().atMost(Duration.ofSeconds(10)).until(() -> table.getItems().size() == 65 && !shell.alertsModel().alerts().isEmpty());
        robot.interact(() -> table.getSelectionModel().select(64));
        shoot(robot, out.resolve("live.png"));

        robot.interact(() -> shell.navigate(Section.REPLAY));
        await().atMost(Duration.ofSeconds(10)).until(() -> !shell.replayModel().sessions().isEmpty());
        robot.interact(() -> shell.replayModel().sessionProperty().set(shell.replayModel().sessions().stream()
                .filter(s -> s.id().equals("conv-0")).findFirst().orElseThrow()));
        await().atMost(Duration.ofSeconds(10)).until(() -> !shell.replayModel().entries().isEmpty());
        robot.interact(() -> shell.replayModel().nextBlocked());
        shoot(robot, out.resolve("replay.png"));

        robot.interact(() -> shell.navigate(Section.LIMITS));
        robot.interact(() -> shell.limitsModel().selectedProperty().set("billing-agent · payments.issueRefund"));
        shoot(robot, out.resolve("limits.png"));

        robot.interact(() -> shell.navigate(Section.AGENTS));
        await().atMost(Duration.ofSeconds(10)).until(() -> !shell.agentsModel().rows().isEmpty());
        robot.interact(() -> shell.agentsModel().selectedProperty().set(shell.agentsModel().rows().get(0)));
        shoot(robot, out.resolve("agents.png"));

        robot.interact(() -> shell.navigate(Section.ALERTS));
        shoot(robot, out.resolve("alerts.png"));

        robot.interact(() -> shell.navigate(Section.POLICY));
        dev.tollgate.ui.policy.PolicyView policy = (dev.tollgate.ui.policy.PolicyView) shell.view(Section.POLICY);
        await().atMost(Duration.ofSeconds(10)).until(() -> policy.editor().getText().equals(POLICY));
        robot.interact(() -> policy.editor().replaceText(POLICY.replace(
                "    limits: { \"payments.issueRefund\"", "    deny:  [\"payments.issueRefund\"]\n    limits: { \"payments.issueRefund\"")));
        await().atMost(Duration.ofSeconds(15)).until(() -> shell.policyModel().orElseThrow().reportProperty().get()
                .map(r -> r.allowedToBlocked() > 0).orElse(false));
        shoot(robot, out.resolve("policy.png"));
        robot.interact(() -> policy.editor().replaceText(POLICY.replace("\"crm.getAccount\", \"tickets.create\"",
                "\"crm.getAccount\", \"tickets\"")));
        await().atMost(Duration.ofSeconds(15)).until(() -> !shell.policyModel().orElseThrow().problems().isEmpty());
        shoot(robot, out.resolve("policy-error.png"));

        robot.interact(() -> {
            shell.setTheme(Theme.DARK);
            shell.navigate(Section.LIVE);
        });
        shoot(robot, out.resolve("live-dark.png"));

        for (String name : new String[] {"live", "replay", "limits", "agents", "alerts", "policy", "policy-error", "live-dark"}) {
            assertThat(Files.size(out.resolve(name + ".png"))).as(name).isGreaterThan(5_000);
        }
    }

    private void shoot(FxRobot robot, Path file) throws Exception {
        org.testfx.util.WaitForAsyncUtils.waitForFxEvents();
        robot.interact(() -> {
            try {
                Exporter.writePng(stage.getScene().getRoot(), file);
            } catch (java.io.IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        });
    }
}
