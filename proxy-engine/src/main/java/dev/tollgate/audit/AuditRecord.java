package dev.tollgate.audit;

import java.time.Instant;
import java.util.Optional;
import tools.jackson.databind.JsonNode;

/**
 * One call attempt as stored: every field of the PRODUCT.md audit contract. Arguments and result are
 * already redacted. {@code hash} links to {@code prevHash} to make the store tamper-evident.
 */
public record AuditRecord(
        long id,
        Instant timestamp,
        String agentId,
        String sessionId,
        Optional<String> user,
        String server,
        String tool,
        JsonNode arguments,
        String decision,
        String rule,
        Optional<String> ruleSource,
        String reason,
        String status,
        double latencyMs,
        long responseSize,
        Optional<String> conversationId,
        Optional<JsonNode> result,
        String prevHash,
        String hash) {

    /** {@code server.tool}, the name policy uses. */
    public String qualifiedTool() {
        return server + "." + tool;
    }

    public boolean blocked() {
        return "blocked".equals(decision);
    }
}
