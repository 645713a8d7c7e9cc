package dev.tollgate.app;

import dev.tollgate.ui.DesktopApp;
import sun.misc.Signal;

/**
 * SIGTERM and Ctrl-C handled by Tollgate itself, so the engine closes before the JVM begins its shutdown: H2 closes
 * its databases from a shutdown hook of its own, which would race the audit indexer draining the journal.
 */
final class StopSignals {
    private StopSignals() {}

    /** Routes SIGTERM and SIGINT to {@code stop}, unless the JVM reserves them (e.g. run with -Xrs). */
    static void onStop(Runnable stop) {
        try {
            for (String name : new String[] {"TERM", "INT"}) {
                Signal.handle(new Signal(name), signal -> stop.run());
            }
        } catch (IllegalArgumentException | UnsupportedOperationException e) {
            // The JVM's own shutdown then stops the process, as before.
        }
    }

    /** For a desktop window: close it as the user would, or, before it is open, close {@code engine} and exit. */
    static void closeWindowOr(AutoCloseable engine) {
        onStop(() -> {
            if (!DesktopApp.closeWindows()) {
                closeAndExit(engine);
            }
        });
    }

    /** Closes {@code resource} and exits with 130, the shell's code for a process stopped by a signal. */
    static void closeAndExit(AutoCloseable resource) {
        try {
            resource.close();
        } catch (Exception e) {
            System.err.println("tollgate: while stopping: " + e.getMessage());
        }
        System.exit(130);
    }
}
