package dev.tollgate.audit;

import java.time.Instant;
import java.util.Optional;
import tools.jackson.databind.JsonNode;

/**
 * One call attempt as stored: every field of the PRODUCT.md audit contract. Arguments and result are
 * already redacted. {@code hash} links to {@code prevHash} to make the store tamper-evident. {@code shadowDecision}
 * and {@code shadowRule} say how the shadow candidate would have decided, on the calls where it disagreed.
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
        String hash,
        Optional<String> shadowDecision,
        Optional<String> shadowRule) {

    /** A record on which no shadow candidate disagreed. */
    public AuditRecord(
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
        this(
                id,
                timestamp,
                agentId,
                sessionId,
                user,
                server,
                tool,
                arguments,
                decision,
                rule,
                ruleSource,
                reason,
                status,
                latencyMs,
                responseSize,
                conversationId,
                result,
                prevHash,
                hash,
                Optional.empty(),
                Optional.empty());
    }

    /** {@code server.tool}, the name policy uses. */
    public String qualifiedTool() {
        return server + "." + tool;
    }

    public boolean blocked() {
        return "blocked".equals(decision);
    }
}
