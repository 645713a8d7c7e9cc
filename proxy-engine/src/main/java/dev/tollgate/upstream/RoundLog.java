package dev.tollgate.upstream;

import dev.tollgate.json.Json;
import dev.tollgate.pipeline.AgentChannel;
import java.util.ArrayList;
import java.util.List;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * The channel to the agent during one forwarded call, noting each question the upstream asks the client
 * (elicitation, sampling, roots) so the call's audit record can list them: method and round only, never what was
 * asked or answered.
 */
final class RoundLog implements AgentSide {
    private final AgentChannel delegate;
    private final List<String> methods = new ArrayList<>();

    RoundLog(AgentChannel delegate) {
        this.delegate = delegate;
    }

    @Override
    public JsonNode clientCapabilities() {
        return delegate instanceof AgentSide side ? side.clientCapabilities() : Json.object();
    }

    @Override
    public void send(JsonNode message) {
        if (message.has("id") && message.path("method").isString()) {
            synchronized (methods) {
                methods.add(message.get("method").asString());
            }
        }
        delegate.send(message);
    }

    /** The result with the rounds in {@code _meta}, when the upstream asked anything. */
    JsonNode annotate(JsonNode result) {
        List<String> asked;
        synchronized (methods) {
            asked = List.copyOf(methods);
        }
        if (asked.isEmpty() || !result.isObject()) {
            return result;
        }
        ObjectNode copy = (ObjectNode) result.deepCopy();
        ObjectNode meta = copy.get("_meta") instanceof ObjectNode m ? m : copy.putObject("_meta");
        ArrayNode rounds = meta.putArray(ModernCallParams.ROUNDS);
        for (int i = 0; i < asked.size(); i++) {
            rounds.addObject().put("round", i + 1).put("method", asked.get(i));
        }
        return copy;
    }
}
