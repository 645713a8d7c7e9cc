package dev.tollgate.transport;

import dev.tollgate.gateway.JsonRpc;
import dev.tollgate.gateway.ModernProtocol;
import dev.tollgate.json.Json;
import dev.tollgate.pipeline.AgentChannel;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicReference;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * One 2026-07-28 {@code subscriptions/listen} stream: the notifications its filter asked for and Tollgate honours
 * (tools, prompts and resources list changes, and updates of the resources in {@code resourceSubscriptions} that
 * Tollgate could subscribe to at their upstreams), each stamped with the listen request's id as subscription id;
 * everything else is dropped. The acknowledgement names exactly what is honoured.
 */
final class ListenStream implements AgentChannel {
    private static final Map<String, String> FILTERS = Map.of(
            "notifications/tools/list_changed", "toolsListChanged",
            "notifications/prompts/list_changed", "promptsListChanged",
            "notifications/resources/list_changed", "resourcesListChanged");
    private static final String RESOURCE_UPDATED = "notifications/resources/updated";
    private static final String RESOURCE_SUBSCRIPTIONS = "resourceSubscriptions";

    private final SseStream stream;
    private final JsonNode subscriptionId;
    private final ObjectNode honoured = Json.object();
    private final Set<String> resources = ConcurrentHashMap.newKeySet();
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

    /** The resource URIs the filter asks updates for, as the agent named them. */
    static List<String> requestedResources(JsonNode requested) {
        List<String> uris = new ArrayList<>();
        for (JsonNode uri : requested.path(RESOURCE_SUBSCRIPTIONS)) {
            if (uri.isString()) {
                uris.add(uri.asString());
            }
        }
        return uris;
    }

    /** Updates of these resources are delivered (Tollgate subscribed to them at their upstreams). */
    void honourResources(List<String> uris) {
        if (uris.isEmpty()) {
            return;
        }
        resources.addAll(uris);
        ArrayNode list = honoured.putArray(RESOURCE_SUBSCRIPTIONS);
        uris.forEach(list::add);
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
        if (!wanted(message)) {
            return;
        }
        ObjectNode copy = (ObjectNode) message.deepCopy();
        ObjectNode params = copy.get("params") instanceof ObjectNode p ? p : copy.putObject("params");
        ObjectNode meta = params.get("_meta") instanceof ObjectNode m ? m : params.putObject("_meta");
        meta.set(ModernProtocol.SUBSCRIPTION_ID_KEY, subscriptionId);
        stream.send(copy);
    }

    private boolean wanted(JsonNode message) {
        String method = message.path("method").asString("");
        if (method.equals(RESOURCE_UPDATED)) {
            return resources.contains(message.path("params").path("uri").asString(""));
        }
        String filter = FILTERS.get(method);
        return filter != null && honoured.path(filter).asBoolean(false);
    }
}
