package dev.tollgate.sample.agents;

import java.util.Optional;
import tools.jackson.databind.JsonNode;

/**
 * One tool call as the agent experienced it: the answer's text, and, when Tollgate blocked it, the rule
 * or limit it named ({@code _meta.tollgate.rule}).
 */
public record AgentCall(
        String agentId,
        String conversationId,
        String tool,
        JsonNode arguments,
        int attempt,
        Outcome outcome,
        String text,
        Optional<String> blockedBy) {

    /** How the call ended for the agent. */
    public enum Outcome {
        OK,
        ERROR,
        BLOCKED
    }
}
