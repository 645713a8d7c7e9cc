package dev.tollgate.pipeline;

import dev.tollgate.identity.AgentIdentity;
import dev.tollgate.identity.Credentials;
import dev.tollgate.identity.UserIdentity;
import dev.tollgate.upstream.UpstreamAuth;
import java.time.Instant;
import java.util.Optional;
import tools.jackson.databind.JsonNode;

/** One {@code tools/call} attempt as it travels down the interceptor chain. */
public record ToolCall(
        String callId,
        Instant receivedAt,
        String sessionId,
        Credentials credentials,
        Optional<AgentIdentity> agent,
        Optional<UserIdentity> user,
        ToolRef tool,
        JsonNode arguments,
        ToolAnnotations annotations,
        Optional<String> conversationId,
        JsonNode meta,
        UpstreamAuth upstreamAuth) {

    public ToolCall withAgent(AgentIdentity identity) {
        return new ToolCall(
                callId,
                receivedAt,
                sessionId,
                credentials,
                Optional.of(identity),
                user,
                tool,
                arguments,
                annotations,
                conversationId,
                meta,
                upstreamAuth);
    }

    public ToolCall withUser(UserIdentity identity) {
        return new ToolCall(
                callId,
                receivedAt,
                sessionId,
                credentials,
                agent,
                Optional.of(identity),
                tool,
                arguments,
                annotations,
                conversationId,
                meta,
                upstreamAuth);
    }

    public ToolCall withUpstreamAuth(UpstreamAuth auth) {
        return new ToolCall(
                callId,
                receivedAt,
                sessionId,
                credentials,
                agent,
                user,
                tool,
                arguments,
                annotations,
                conversationId,
                meta,
                auth);
    }

    /** The agent id for records and policy, or {@code "anonymous"} before identity is known. */
    public String agentId() {
        return agent.map(AgentIdentity::agentId).orElse("anonymous");
    }
}
