package dev.tollgate.app;

import picocli.CommandLine.Command;

/** {@code tollgate policy}. */
@Command(name = "policy", description = "not yet available")
public final class PolicyCommand implements Runnable {
    @Override
    public void run() {
        throw new UnsupportedOperationException("tollgate policy is not available yet");
    }
}
