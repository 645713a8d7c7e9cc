package dev.tollgate.upstream;

import dev.tollgate.pipeline.AgentChannel;
import java.time.Duration;
import tools.jackson.databind.JsonNode;

/**
 * The channel to the agent a request serves, which also says what that agent can be asked (its declared client
 * capabilities) and, for a 2026-07-28 agent's call that Tollgate holds, hands the agent an upstream's
 * {@code input_required} result and waits for the agent's next round, so all rounds stay one call.
 */
public interface AgentSide extends AgentChannel {
    /** The client capabilities the agent declared ({@code elicitation}, {@code sampling}, {@code roots}). */
    JsonNode clientCapabilities();

    /** Whether {@link #nextRound} can wait for the agent's next round (Tollgate holds the agent's call). */
    default boolean holdsRounds() {
        return false;
    }

    /**
     * Answers the agent's current request with the upstream's {@code input_required} result as it is, and returns
     * the params of the agent's next round (its {@code inputResponses} and the {@code requestState} it echoed).
     *
     * @throws UpstreamException when the agent does not come back within {@code timeout} or cancels the call
     */
    default JsonNode nextRound(JsonNode inputRequired, Duration timeout) throws UpstreamException {
        throw new UpstreamException("this agent's call is not held between rounds", false, null);
    }
}
