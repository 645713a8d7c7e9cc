package dev.tollgate.identity;

import java.util.List;

/** An authenticated agent: its configured id, its roles, and how it proved who it is. */
public record AgentIdentity(String agentId, List<String> roles, String method) {
    public AgentIdentity {
        roles = List.copyOf(roles);
    }
}
