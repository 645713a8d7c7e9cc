package dev.tollgate.gateway;

import dev.tollgate.pipeline.AgentChannel;
import java.util.Optional;

/**
 * Where one agent request came from: the channel for messages related to it (the POST's SSE stream, or
 * stdout) and the conversation id from the {@code X-Tollgate-Conversation} header, when given.
 */
public record RequestScope(AgentChannel related, Optional<String> conversationHeader) {
    public static RequestScope of(AgentChannel related) {
        return new RequestScope(related, Optional.empty());
    }
}
