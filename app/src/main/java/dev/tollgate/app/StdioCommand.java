package dev.tollgate.app;

import picocli.CommandLine.Command;

/** {@code tollgate stdio}. */
@Command(name = "stdio", description = "not yet available")
public final class StdioCommand implements Runnable {
    @Override
    public void run() {
        throw new UnsupportedOperationException("tollgate stdio is not available yet");
    }
}
