package dev.tollgate.upstream;

import dev.tollgate.json.Json;
import dev.tollgate.pipeline.AgentChannel;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * The channel to the agent during one forwarded call, noting each question the upstream asks the client
 * (elicitation, sampling, roots: as a request, or in an {@code input_required} result) so the call's audit record
 * can list them: method and round only, never what was asked or answered. A request is a round of its own; the
 * questions of one {@code input_required} result share one.
 */
final class RoundLog implements AgentSide {
    private final AgentChannel delegate;

    private record Asked(int round, String method) {}

    private final List<Asked> asked = new ArrayList<>();
    private int rounds;

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
            synchronized (asked) {
                asked.add(new Asked(++rounds, message.get("method").asString()));
            }
        }
        delegate.send(message);
    }

    @Override
    public boolean holdsRounds() {
        return delegate instanceof AgentSide side && side.holdsRounds();
    }

    @Override
    public JsonNode nextRound(JsonNode inputRequired, Duration timeout) throws UpstreamException {
        synchronized (asked) {
            int round = ++rounds;
            for (JsonNode request : inputRequired.path("inputRequests")) {
                asked.add(new Asked(round, request.path("method").asString("")));
            }
        }
        return ((AgentSide) delegate).nextRound(inputRequired, timeout);
    }

    /** The result with the rounds in {@code _meta}, when the upstream asked anything. */
    JsonNode annotate(JsonNode result) {
        List<Asked> all;
        synchronized (asked) {
            all = List.copyOf(asked);
        }
        if (all.isEmpty() || !result.isObject()) {
            return result;
        }
        ObjectNode copy = (ObjectNode) result.deepCopy();
        ObjectNode meta = copy.get("_meta") instanceof ObjectNode m ? m : copy.putObject("_meta");
        ArrayNode list = meta.putArray(ModernCallParams.ROUNDS);
        for (Asked question : all) {
            list.addObject().put("round", question.round()).put("method", question.method());
        }
        return copy;
    }
}
