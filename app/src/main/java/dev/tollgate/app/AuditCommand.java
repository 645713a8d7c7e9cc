package dev.tollgate.app;

import picocli.CommandLine.Command;

/** {@code tollgate audit}. */
@Command(name = "audit", description = "not yet available")
public final class AuditCommand implements Runnable {
    @Override
    public void run() {
        throw new UnsupportedOperationException("tollgate audit is not available yet");
    }
}
