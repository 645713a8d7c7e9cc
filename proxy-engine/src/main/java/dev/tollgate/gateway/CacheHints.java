package dev.tollgate.gateway;

import java.util.List;
import java.util.OptionalLong;
import java.util.Set;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * The cache hints Tollgate gives 2026-07-28 agents. A list is merged from the servers the agent sees and filtered
 * for it, so it is {@code private} and fresh no longer than the shortest time any of those servers' lists has
 * left by its own hint; a server that gave none (a 2025-era one) may change its list at any moment, so it makes
 * the hint 0. A read passes one server's hint on. A policy reload can change any list before the hint runs out:
 * agents hear it on {@code subscriptions/listen}.
 */
final class CacheHints {
    private static final Set<String> LISTS =
            Set.of("tools/list", "prompts/list", "resources/list", "resources/templates/list");

    private final McpGateway gateway;

    CacheHints(McpGateway gateway) {
        this.gateway = gateway;
    }

    static boolean cacheable(String method) {
        return LISTS.contains(method) || method.equals("resources/read") || method.equals("server/discover");
    }

    /** Sets {@code ttlMs} and {@code cacheScope} on the result of a cacheable request. */
    void apply(String method, List<String> visibleServers, ObjectNode result) {
        long ttl = 0;
        if (LISTS.contains(method)) {
            ttl = listTtl(method, visibleServers);
        } else if (method.equals("resources/read")) {
            JsonNode given = result.get("ttlMs");
            ttl = given != null && given.isIntegralNumber() && given.asLong() > 0 ? given.asLong() : 0;
        }
        result.put("ttlMs", ttl);
        result.put("cacheScope", "private");
    }

    private long listTtl(String method, List<String> servers) {
        long shortest = Long.MAX_VALUE;
        for (String server : servers) {
            OptionalLong left = gateway.listFreshnessMillis(server, method);
            shortest = Math.min(shortest, left.orElse(0));
        }
        return shortest == Long.MAX_VALUE ? 0 : shortest;
    }
}
