package dev.tollgate.sample.servers;

/** A tool call that failed in a way the agent should read (bad customer id, unknown order): an isError result. */
final class ToolFailure extends RuntimeException {
    private static final long serialVersionUID = 1L;

    ToolFailure(String message) {
        super(message);
    }
}
