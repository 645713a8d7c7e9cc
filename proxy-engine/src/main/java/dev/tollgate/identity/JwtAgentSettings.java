package dev.tollgate.identity;

import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * How a verified agent JWT becomes an agent: the claim naming the agent ({@code sub}, {@code client_id},
 * {@code azp}...), the roles configured per claim value, and optionally a claim carrying roles.
 */
public record JwtAgentSettings(
        JwtTrust trust, String agentClaim, Map<String, List<String>> agentRoles, Optional<String> rolesClaim) {
    public JwtAgentSettings {
        agentRoles = Map.copyOf(agentRoles);
    }
}
