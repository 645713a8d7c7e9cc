package dev.tollgate.app;

import picocli.CommandLine.Command;

/** {@code tollgate ui}. */
@Command(name = "ui", description = "not yet available")
public final class UiCommand implements Runnable {
    @Override
    public void run() {
        throw new UnsupportedOperationException("tollgate ui is not available yet");
    }
}
