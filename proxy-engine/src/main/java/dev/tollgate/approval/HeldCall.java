package dev.tollgate.approval;

import dev.tollgate.json.Json;
import java.time.Instant;
import java.util.Optional;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * A call waiting for a human: everything the prompt shows (agent, user, conversation, the arguments as audited,
 * the rule that held it) and when it times out. Serialised as the JSON the {@code tollgate approvals} command reads.
 */
public record HeldCall(
        String id,
        Instant heldAt,
        Instant deadline,
        String agentId,
        Optional<String> user,
        String sessionId,
        Optional<String> conversationId,
        String tool,
        JsonNode arguments,
        String rule,
        String ruleSource) {

    public ObjectNode toJson() {
        ObjectNode node = Json.object();
        node.put("id", id);
        node.put("heldAt", heldAt.toString());
        node.put("deadline", deadline.toString());
        node.put("agentId", agentId);
        user.ifPresent(u -> node.put("user", u));
        node.put("sessionId", sessionId);
        conversationId.ifPresent(c -> node.put("conversationId", c));
        node.put("tool", tool);
        node.set("arguments", arguments);
        node.put("rule", rule);
        node.put("ruleSource", ruleSource);
        return node;
    }

    public static HeldCall fromJson(JsonNode node) {
        return new HeldCall(
                node.path("id").asString(),
                Instant.parse(node.path("heldAt").asString()),
                Instant.parse(node.path("deadline").asString()),
                node.path("agentId").asString(),
                text(node, "user"),
                node.path("sessionId").asString(),
                text(node, "conversationId"),
                node.path("tool").asString(),
                node.path("arguments"),
                node.path("rule").asString(),
                node.path("ruleSource").asString());
    }

    private static Optional<String> text(JsonNode node, String field) {
        return node.path(field).isString() ? Optional.of(node.get(field).asString()) : Optional.empty();
    }
}
