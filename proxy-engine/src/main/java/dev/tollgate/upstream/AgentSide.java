package dev.tollgate.upstream;

import dev.tollgate.pipeline.AgentChannel;
import tools.jackson.databind.JsonNode;

/**
 * The channel to the agent a request serves, which also says what that agent can be asked (its declared client
 * capabilities): a 2026-07-28 upstream's {@code input_required} result is bridged to a 2025-era agent only for
 * what it declared.
 */
public interface AgentSide extends AgentChannel {
    /** The client capabilities the agent declared ({@code elicitation}, {@code sampling}, {@code roots}). */
    JsonNode clientCapabilities();
}
