package dev.tollgate.ui;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.tollgate.testing.TemporaryAuditStore;
import java.time.Duration;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.prefs.Preferences;
import javafx.stage.Stage;
import javafx.stage.Window;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.testfx.api.FxRobot;
import org.testfx.framework.junit5.ApplicationExtension;

/** {@link DesktopApp#launch} as the ui command calls it: blocks while the window is open, then closes the engine. */
@ExtendWith(ApplicationExtension.class)
class DesktopAppTest {
    @RegisterExtension
    final TemporaryAuditStore audit = TemporaryAuditStore.create();

    private final Preferences prefs = Preferences.userRoot().node("dev/tollgate/ui-test/" + UUID.randomUUID());

    @AfterEach
    void removePrefs() throws Exception {
        prefs.removeNode();
    }

    private static Optional<Stage> mainWindow() {
        return Window.getWindows().stream()
                .filter(w -> w instanceof Stage s
                        && s.getTitle() != null
                        && s.getTitle().startsWith("Tollgate — "))
                .map(Stage.class::cast)
                .findFirst();
    }

    @Test
    void launchBlocksUntilTheWindowClosesThenClosesTheEngineAndRemembersTheWindow(FxRobot robot) throws Exception {
        AtomicBoolean closed = new AtomicBoolean();
        TestEngine engine = new TestEngine(audit.store(), Optional.empty()) {
            @Override
            public void close() {
                closed.set(true);
                super.close();
            }
        };
        Thread ui = new Thread(() -> DesktopApp.launch(() -> engine, DesktopApp::openStore, prefs), "launcher");
        ui.start();

        await().atMost(Duration.ofSeconds(10))
                .until(() -> robot.lookup("#call-table").tryQuery().isPresent()
                        && mainWindow().isPresent());
        assertThat(ui.isAlive()).isTrue();
        assertThat(mainWindow().orElseThrow().getTitle()).isEqualTo("Tollgate — http://127.0.0.1:7070/mcp");

        robot.interact(() -> {
            Stage stage = mainWindow().orElseThrow();
            stage.setWidth(1000);
            stage.close();
        });
        ui.join(10_000);

        assertThat(ui.isAlive()).isFalse();
        assertThat(closed).isTrue();
        assertThat(prefs.node("window").getDouble("w", 0)).isEqualTo(1000);
    }
}
