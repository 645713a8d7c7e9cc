package dev.tollgate.ui;

import java.util.UUID;
import java.util.prefs.BackingStoreException;
import java.util.prefs.Preferences;
import javafx.stage.Stage;
import org.testfx.api.FxToolkit;
import org.testfx.util.WaitForAsyncUtils;

/** Opens a real main window over an engine with throw-away preferences, and closes it again. */
final class ShellFixture implements AutoCloseable {
    private final Preferences prefs = Preferences.userRoot().node("dev/tollgate/ui-test/" + UUID.randomUUID());
    private TollgateShell shell;

    TollgateShell open(Stage stage, dev.tollgate.engine.Engine engine) {
        shell = DesktopApp.openWindow(stage, engine, prefs);
        return shell;
    }

    @Override
    public void close() throws Exception {
        if (shell != null) {
            WaitForAsyncUtils.asyncFx(shell::close).get();
        }
        FxToolkit.cleanupStages();
        try {
            prefs.removeNode();
        } catch (BackingStoreException | IllegalStateException e) {
            // the preferences node may already be gone; nothing to clean
        }
    }
}
