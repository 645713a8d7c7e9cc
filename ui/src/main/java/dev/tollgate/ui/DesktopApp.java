package dev.tollgate.ui;

import dev.tollgate.audit.AuditUnavailableException;
import dev.tollgate.engine.Engine;
import dev.tollgate.engine.ReadOnlyEngine;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Function;
import java.util.function.Supplier;
import java.util.prefs.Preferences;
import javafx.application.Platform;
import javafx.scene.control.Alert;
import javafx.stage.Stage;
import javafx.stage.Window;

/** Starts the Tollgate desktop window over an engine; the {@code ui} and {@code demo} commands call {@link #launch}. */
public final class DesktopApp {
    private static final Preferences PREFS = Preferences.userRoot().node("dev/tollgate/ui");

    /**
     * The packaged app is one jar with JavaFX on the class path, which JavaFX runs fine but warns about on every start
     * ("Unsupported JavaFX configuration"); held here so the filter is not lost with a collected logger.
     */
    private static final java.util.logging.Logger JAVAFX_LOG = java.util.logging.Logger.getLogger("javafx");

    static {
        JAVAFX_LOG.setFilter(
                r -> r.getMessage() == null || !r.getMessage().startsWith("Unsupported JavaFX configuration"));
    }

    private static volatile boolean mainWindowOpen;

    private DesktopApp() {}

    /**
     * Creates the engine, opens the main window over it and blocks until the window is closed; then
     * closes the engine and stops JavaFX. Call once per JVM, not on the FX thread.
     */
    public static void launch(Supplier<Engine> engineFactory) {
        launch(engineFactory, DesktopApp::openStore);
    }

    /** As {@link #launch(Supplier)}, with how File → Open audit store… opens a JDBC URL read-only. */
    public static void launch(Supplier<Engine> engineFactory, Function<String, Engine> storeOpener) {
        launch(engineFactory, storeOpener, PREFS);
    }

    static void launch(Supplier<Engine> engineFactory, Function<String, Engine> storeOpener, Preferences prefs) {
        Engine engine = engineFactory.get();
        CountDownLatch closed = new CountDownLatch(1);
        AtomicReference<RuntimeException> failure = new AtomicReference<>();
        boolean startedHere = false;
        try {
            Runnable openMainWindow = () -> {
                try {
                    Stage stage = new Stage();
                    TollgateShell shell = openWindow(stage, engine, prefs).withStoreOpener(storeOpener);
                    mainWindowOpen = true;
                    stage.setOnHidden(e -> {
                        mainWindowOpen = false;
                        WindowState.save(stage, prefs.node("window"));
                        shell.close();
                        closed.countDown();
                    });
                } catch (RuntimeException e) {
                    failure.set(e);
                    closed.countDown();
                }
            };
            startedHere = startToolkit(openMainWindow);
            closed.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            engine.close();
            if (startedHere) {
                Platform.exit();
            }
        }
        if (failure.get() != null) {
            throw failure.get();
        }
    }

    /**
     * Closes every open window as if the user had, so {@link #launch} returns through its normal shutdown; false when
     * no window is open yet (the toolkit not started), in which case the caller stops by other means.
     */
    public static boolean closeWindows() {
        if (!mainWindowOpen) {
            return false;
        }
        Platform.runLater(() -> List.copyOf(Window.getWindows()).forEach(Window::hide));
        return true;
    }

    /** Starts JavaFX with {@code first} as its first task; when it already runs (an embedding app, tests), queues it. */
    private static boolean startToolkit(Runnable first) {
        try {
            Platform.startup(first);
            Platform.setImplicitExit(false);
            return true;
        } catch (IllegalStateException alreadyRunning) {
            Platform.runLater(first);
            return false;
        } catch (UnsupportedOperationException noDisplay) {
            throw new IllegalStateException(
                    "cannot open the desktop window (" + noDisplay.getMessage()
                            + "); without a display use 'tollgate demo --headless' or 'tollgate serve'",
                    noDisplay);
        }
    }

    /** Opens an existing audit store read-only, for File → Open audit store…. */
    public static Engine openStore(String jdbcUrl) {
        try {
            return ReadOnlyEngine.open(jdbcUrl);
        } catch (AuditUnavailableException e) {
            throw new IllegalStateException(e.getMessage(), e);
        }
    }

    /** Shows a main window over {@code engine} on {@code stage}; FX thread. The caller owns the engine. */
    public static TollgateShell openWindow(Stage stage, Engine engine, Preferences prefs) {
        TollgateShell shell = TollgateShell.create(engine, prefs);
        stage.setTitle(engine.endpoint()
                .or(engine::remote)
                .map(uri -> "Tollgate — " + uri)
                .orElse("Tollgate — " + engine.audit().location()));
        WindowState.restore(stage, prefs.node("window"));
        stage.setScene(shell.createScene(stage.getWidth(), stage.getHeight()));
        stage.show();
        return shell;
    }

    /** Opens a second window read-only over an audit store; closing it closes that store. */
    static void openReadOnlyWindow(Function<String, Engine> opener, String url, Preferences prefs) {
        Engine engine;
        try {
            engine = opener.apply(url);
        } catch (RuntimeException e) {
            new Alert(Alert.AlertType.ERROR, "Could not open " + url + ": " + e.getMessage()).showAndWait();
            return;
        }
        Stage stage = new Stage();
        TollgateShell shell = openWindow(stage, engine, prefs).withStoreOpener(opener);
        stage.setOnHidden(e -> {
            shell.close();
            engine.close();
        });
    }
}
