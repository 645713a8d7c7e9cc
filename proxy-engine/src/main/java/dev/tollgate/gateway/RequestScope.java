package dev.tollgate.gateway;

import dev.tollgate.pipeline.Admission;
import dev.tollgate.pipeline.AgentChannel;
import java.util.Optional;

/**
 * Where one agent request came from: the channel for messages related to it (the POST's SSE stream, or
 * stdout), the conversation id from the {@code X-Tollgate-Conversation} header, when given, and the identity
 * the transport admitted it with, which its calls reuse rather than authenticating again.
 */
public record RequestScope(AgentChannel related, Optional<String> conversationHeader, Optional<Admission> admission) {
    public RequestScope(AgentChannel related, Optional<String> conversationHeader) {
        this(related, conversationHeader, Optional.empty());
    }

    public static RequestScope of(AgentChannel related) {
        return new RequestScope(related, Optional.empty());
    }
}
