package dev.tollgate.pipeline;

import java.time.Duration;

/**
 * The per-request surroundings of a call: the agent's protocol version, where related messages go, the timeout,
 * and the signal that fires when the agent cancels the call.
 */
public record CallContext(
        String protocolVersion, AgentChannel channel, Duration timeout, CancellationSignal cancellation) {

    /** A context for a call that cannot be cancelled. */
    public CallContext(String protocolVersion, AgentChannel channel, Duration timeout) {
        this(protocolVersion, channel, timeout, CancellationSignal.none());
    }
}
