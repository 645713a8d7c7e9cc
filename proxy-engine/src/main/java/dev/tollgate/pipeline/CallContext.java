package dev.tollgate.pipeline;

import java.time.Duration;

/** The per-request surroundings of a call: the agent's protocol version, where related messages go, the timeout. */
public record CallContext(String protocolVersion, AgentChannel channel, Duration timeout) {}
