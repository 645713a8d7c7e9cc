package dev.tollgate.pipeline;

import java.time.Duration;
import java.util.Optional;

/**
 * The per-request surroundings of a call: the agent's protocol version, where related messages go, the timeout,
 * the signal that fires when the agent cancels the call, and the identity the transport admitted the request with.
 */
public record CallContext(
        String protocolVersion,
        AgentChannel channel,
        Duration timeout,
        CancellationSignal cancellation,
        Optional<Admission> admission) {

    /** A context without an admission: the identity link authenticates the call itself. */
    public CallContext(
            String protocolVersion, AgentChannel channel, Duration timeout, CancellationSignal cancellation) {
        this(protocolVersion, channel, timeout, cancellation, Optional.empty());
    }

    /** A context for a call that cannot be cancelled. */
    public CallContext(String protocolVersion, AgentChannel channel, Duration timeout) {
        this(protocolVersion, channel, timeout, CancellationSignal.none());
    }
}
