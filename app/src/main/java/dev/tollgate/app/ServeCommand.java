package dev.tollgate.app;

import picocli.CommandLine.Command;

/** {@code tollgate serve}. */
@Command(name = "serve", description = "not yet available")
public final class ServeCommand implements Runnable {
    @Override
    public void run() {
        throw new UnsupportedOperationException("tollgate serve is not available yet");
    }
}
