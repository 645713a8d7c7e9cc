package dev.tollgate.config;

import java.util.List;

/** An agent as configured: its API keys (resolved, never logged) and roles. */
public record AgentConfig(String id, List<String> keys, List<String> roles) {
    public AgentConfig {
        keys = List.copyOf(keys);
        roles = List.copyOf(roles);
    }

    @Override
    public String toString() {
        return "AgentConfig[" + id + ", keys=" + keys.size() + ", roles=" + roles + "]";
    }
}
