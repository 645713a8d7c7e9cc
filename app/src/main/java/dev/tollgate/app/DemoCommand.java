package dev.tollgate.app;

import picocli.CommandLine.Command;

/** {@code tollgate demo}. */
@Command(name = "demo", description = "not yet available")
public final class DemoCommand implements Runnable {
    @Override
    public void run() {
        throw new UnsupportedOperationException("tollgate demo is not available yet");
    }
}
