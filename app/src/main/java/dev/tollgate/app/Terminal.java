package dev.tollgate.app;

import java.io.PrintStream;
import java.time.Duration;

/** Whether a person is watching (stdout is a terminal), and a progress line for long operations that only they see. */
final class Terminal {
    private Terminal() {}

    /** True when stdin and stdout are a terminal; false when piped or redirected (and in tests). */
    static boolean interactive() {
        return System.console() != null;
    }

    /**
     * Starts a progress line on stderr that updates in place ({@code label… 12 s}) until closed; does nothing
     * when no terminal is attached, so pipes and logs stay clean.
     */
    static Progress progress(String label) {
        if (!interactive()) {
            return () -> {};
        }
        PrintStream err = System.err;
        long started = System.nanoTime();
        Thread ticker = new Thread(
                () -> {
                    try {
                        while (!Thread.currentThread().isInterrupted()) {
                            Thread.sleep(250);
                            long seconds = Duration.ofNanos(System.nanoTime() - started)
                                    .toSeconds();
                            err.print("\r" + label + "… " + seconds + " s\u001b[K");
                            err.flush();
                        }
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                },
                "tollgate-progress");
        ticker.setDaemon(true);
        ticker.start();
        return () -> {
            ticker.interrupt();
            try {
                ticker.join();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            err.print("\r\u001b[K");
            err.flush();
        };
    }

    /** A progress line; closing it erases it. */
    interface Progress extends AutoCloseable {
        @Override
        void close();
    }
}
