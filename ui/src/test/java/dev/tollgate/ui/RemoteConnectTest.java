package dev.tollgate.ui;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.tollgate.admin.RemoteEngine;
import dev.tollgate.audit.AuditRecord;
import dev.tollgate.config.ConfigLoader;
import dev.tollgate.engine.TollgateEngine;
import dev.tollgate.testing.AgentClient;
import dev.tollgate.testing.McpTestServer;
import dev.tollgate.testing.NpmPeers;
import dev.tollgate.ui.export.Exporter;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import javafx.scene.control.Label;
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

/**
 * The desktop app connected to a remote {@code serve} ({@code tollgate ui --connect}): a real engine with its admin
 * listener, agents calling it, and the window following its calls and alerts over the admin stream. Writes
 * {@code remote.png} (into {@code target/screenshots}, or {@code -Dtollgate.screenshots=../docs/screenshots}).
 */
@ExtendWith(ApplicationExtension.class)
class RemoteConnectTest {
    private static final String KEY = "billing-key-1";
    private static final String TOKEN = "admin-token-0123456789";

    @TempDir
    Path dir;

    private final ShellFixture fixture = new ShellFixture();
    private McpTestServer crm;
    private TollgateEngine serve;
    private RemoteEngine remote;
    private TollgateShell shell;
    private Stage stage;

    @Start
    void start(Stage stage) throws Exception {
        this.stage = stage;
        crm = McpTestServer.builder().tools("echo", "add", "charge").start();
        int adminPort = NpmPeers.freePort();
        Path file = dir.resolve("team.yaml");
        Files.writeString(
                file,
                "listen: 127.0.0.1:0\n"
                        + "audit: { url: \"jdbc:h2:file:"
                        + dir.resolve("audit").toString().replace('\\', '/') + "\" }\n"
                        + "admin: { listen: \"127.0.0.1:" + adminPort + "\", token: \"" + TOKEN + "\" }\n"
                        + "servers: { crm: { url: \"" + crm.url() + "\" } }\n"
                        + "agents: { billing-agent: { keys: [\"" + KEY + "\"], roles: [billing] } }\n"
                        + "roles: { billing: { allow: [\"crm.echo\", \"crm.add\"], limits: { \"crm.echo\": \"20/min\" } } }\n");
        serve = TollgateEngine.start(new ConfigLoader().load(file));
        remote = RemoteEngine.connect(
                URI.create("http://127.0.0.1:" + adminPort), TOKEN, Optional.empty(), "alice@laptop");
        stage.setWidth(1280);
        stage.setHeight(800);
        shell = fixture.open(stage, remote);
    }

    @AfterEach
    void tearDown() throws Exception {
        fixture.close();
        remote.close();
        serve.close();
        crm.close();
    }

    @Test
    void followsTheRemoteInstancesCallsAndAlerts(FxRobot robot) throws Exception {
        @SuppressWarnings("unchecked")
        TableView<AuditRecord> table = robot.lookup("#call-table").queryAs(TableView.class);
        Label status = robot.lookup("#status-proxy").queryAs(Label.class);
        await().atMost(Duration.ofSeconds(10)).until(() -> status.getText().contains("Connected to http://127.0.0.1:"));

        try (AgentClient agent =
                AgentClient.connect(serve.endpoint().orElseThrow().toString(), KEY)) {
            for (int i = 0; i < 6; i++) {
                agent.call("crm__echo", Map.of("text", "order " + i));
            }
            agent.call("crm__charge", Map.of("amount", 120));
            for (int i = 0; i < 7; i++) {
                agent.call("crm__add", Map.of("a", 40, "b", 2));
            }
        }
        // Repeated identical calls share a counted row in the table, so the calls are counted in the live model.
        await().atMost(Duration.ofSeconds(20))
                .until(() -> shell.liveModel().rows().size() == 14
                        && !shell.alertsModel().alerts().isEmpty());
        assertThat(table.getItems()).hasSizeLessThan(14);
        assertThat(shell.liveModel().rows())
                .filteredOn(r -> r.decision().equals("blocked"))
                .extracting(AuditRecord::tool)
                .containsExactlyInAnyOrder("charge", "add", "add");
        assertThat(status.getText()).contains("1/1 upstreams up");

        robot.interact(() -> table.getSelectionModel().select(table.getItems().size() - 1));
        Path out = Path.of(System.getProperty("tollgate.screenshots", "target/screenshots"));
        Files.createDirectories(out);
        WaitForAsyncUtils.waitForFxEvents();
        robot.interact(() -> {
            try {
                Exporter.writePng(stage.getScene().getRoot(), out.resolve("remote.png"));
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        });
        assertThat(out.resolve("remote.png")).isNotEmptyFile();
    }
}
