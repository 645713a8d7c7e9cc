package dev.tollgate.transport;

import dev.tollgate.gateway.JsonRpc;
import dev.tollgate.gateway.ModernProtocol;
import dev.tollgate.json.Json;
import dev.tollgate.pipeline.AgentChannel;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * One 2026-07-28 {@code subscriptions/listen} stream: the notifications its filter asked for and Tollgate honours
 * (tools, prompts and resources list changes), each stamped with the listen request's id as subscription id;
 * everything else is dropped. Resource update subscriptions are not honoured, so the acknowledgement leaves
 * them out.
 */
final class ListenStream implements AgentChannel {
    private static final Map<String, String> FILTERS = Map.of(
            "notifications/tools/list_changed", "toolsListChanged",
            "notifications/prompts/list_changed", "promptsListChanged",
            "notifications/resources/list_changed", "resourcesListChanged");

    private final SseStream stream;
    private final JsonNode subscriptionId;
    private final ObjectNode honoured = Json.object();
    private final AtomicReference<Runnable> onClosed = new AtomicReference<>(() -> {});

    ListenStream(SseStream stream, JsonNode subscriptionId, JsonNode requested) {
        this.stream = stream;
        this.subscriptionId = subscriptionId;
        for (String filter : FILTERS.values()) {
            if (requested.path(filter).asBoolean(false)) {
                honoured.put(filter, true);
            }
        }
    }

    /** Runs once when a send finds the agent gone. */
    void onClosed(Runnable action) {
        onClosed.set(action);
    }

    /** The first message on the stream: which of the requested notifications Tollgate will send. */
    void acknowledge() {
        ObjectNode params = Json.object();
        params.putObject("_meta").set(ModernProtocol.SUBSCRIPTION_ID_KEY, subscriptionId);
        params.set("notifications", honoured.deepCopy());
        stream.send(JsonRpc.notification("notifications/subscriptions/acknowledged", params));
    }

    @Override
    public void send(JsonNode message) {
        if (!stream.isOpen()) {
            onClosed.getAndSet(() -> {}).run();
            return;
        }
        String filter = FILTERS.get(message.path("method").asString(""));
        if (filter == null || !honoured.path(filter).asBoolean(false)) {
            return;
        }
        ObjectNode copy = (ObjectNode) message.deepCopy();
        ObjectNode params = copy.get("params") instanceof ObjectNode p ? p : copy.putObject("params");
        ObjectNode meta = params.get("_meta") instanceof ObjectNode m ? m : params.putObject("_meta");
        meta.set(ModernProtocol.SUBSCRIPTION_ID_KEY, subscriptionId);
        stream.send(copy);
    }
}
