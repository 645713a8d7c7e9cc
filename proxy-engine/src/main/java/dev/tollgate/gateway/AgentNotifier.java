package dev.tollgate.gateway;

import dev.tollgate.json.Json;
import dev.tollgate.session.AgentSession;
import dev.tollgate.session.SessionRegistry;
import dev.tollgate.upstream.ListChange;
import dev.tollgate.upstream.UpstreamConnection;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * Delivers what happens outside agent requests to the agents that may see it: list changes, resource updates,
 * log messages and server-to-client requests from upstreams, and policy reloads that change what an agent sees.
 * Its audience is every open session plus the 2026-07-28 {@code subscriptions/listen} streams.
 */
final class AgentNotifier {
    private final SessionRegistry sessions;
    private final AgentVisibility visibility;
    private final NameScheme names;
    private final Function<String, Optional<UpstreamConnection>> connections;
    private final Set<AgentSession> listeners = ConcurrentHashMap.newKeySet();

    AgentNotifier(
            SessionRegistry sessions,
            AgentVisibility visibility,
            NameScheme names,
            Function<String, Optional<UpstreamConnection>> connections) {
        this.sessions = sessions;
        this.visibility = visibility;
        this.names = names;
        this.connections = connections;
    }

    /** Adds a listen stream to the audience; the returned action removes it. */
    Runnable listen(AgentSession listener) {
        listener.announcedTools(visibility.visibleToolNames(listener));
        listeners.add(listener);
        return () -> listeners.remove(listener);
    }

    /** Who hears messages outside requests: the open sessions and the listen streams. */
    private List<AgentSession> audience() {
        if (listeners.isEmpty()) {
            return List.copyOf(sessions.active());
        }
        List<AgentSession> all = new ArrayList<>(sessions.active());
        all.addAll(listeners);
        return all;
    }

    /**
     * Re-announces the tool list to every session whose visible tools changed under a new policy, and the resource
     * and prompt lists when the servers it sees changed with them (those lists follow server visibility), so
     * agents caching lists by their hints learn that theirs went stale.
     */
    void policyChanged() {
        for (AgentSession session : audience()) {
            Set<String> visible = visibility.visibleToolNames(session);
            if (!visible.equals(session.announcedTools())) {
                Set<String> serversBefore = visibility.serversOf(session.announcedTools());
                session.announcedTools(visible);
                session.send(JsonRpc.notification("notifications/tools/list_changed", null));
                if (!serversBefore.equals(visibility.serversOf(visible))) {
                    session.send(JsonRpc.notification("notifications/resources/list_changed", null));
                    session.send(JsonRpc.notification("notifications/prompts/list_changed", null));
                }
            }
        }
    }

    /**
     * An upstream's list changed (already refetched): tell the agents that see that server (its definitions may
     * have changed under the same names) and those whose set of visible tools changed.
     */
    void onListChanged(ListChange change) {
        switch (change.kind()) {
            case TOOLS -> {
                for (AgentSession session : audience()) {
                    Set<String> visible = visibility.visibleToolNames(session);
                    if (!visible.equals(session.announcedTools())
                            || visibility.serverVisible(session, change.server())) {
                        session.announcedTools(visible);
                        session.send(JsonRpc.notification("notifications/tools/list_changed", null));
                    }
                }
            }
            case RESOURCES ->
                broadcast(change.server(), JsonRpc.notification("notifications/resources/list_changed", null));
            case PROMPTS ->
                broadcast(change.server(), JsonRpc.notification("notifications/prompts/list_changed", null));
            default -> {}
        }
    }

    void onUpstreamMessage(String server, JsonNode message) {
        JsonRpc.Kind kind = JsonRpc.kind(message);
        if (kind == JsonRpc.Kind.REQUEST) {
            relayUnsolicitedRequest(server, message);
        } else if (kind == JsonRpc.Kind.NOTIFICATION) {
            String method = message.path("method").asString("");
            if (method.equals("notifications/message")) {
                relayLog(server, message);
            } else if (method.equals("notifications/resources/updated")
                    && message.path("params").path("uri").isString()) {
                ObjectNode copy = (ObjectNode) message.deepCopy();
                ((ObjectNode) copy.get("params"))
                        .put(
                                "uri",
                                names.uri(
                                        server,
                                        message.path("params").path("uri").asString()));
                broadcast(server, copy);
            }
        }
    }

    private void broadcast(String server, JsonNode message) {
        for (AgentSession session : audience()) {
            if (visibility.serverVisible(session, server)) {
                session.send(message);
            }
        }
    }

    private void relayLog(String server, JsonNode message) {
        for (AgentSession session : audience()) {
            if (RelayChannel.wantsLog(session, message) && visibility.serverVisible(session, server)) {
                session.send(RelayChannel.logFrom(server, message));
            }
        }
    }

    /**
     * An upstream asked the client something outside any agent request (roots/list, sampling, elicitation).
     * The upstream connection is shared, so the most recently active session that may see the server and
     * declared the needed capability answers; with none, the upstream gets a JSON-RPC error.
     */
    private void relayUnsolicitedRequest(String server, JsonNode request) {
        String method = request.path("method").asString();
        Optional<UpstreamConnection> connection = connections.apply(server);
        if (connection.isEmpty()) {
            return;
        }
        if ("ping".equals(method)) {
            connection.get().respond(JsonRpc.result(request.get("id"), Json.object()));
            return;
        }
        String capability = InputBridge.capabilityFor(method);
        Optional<AgentSession> target = capability.isEmpty()
                ? Optional.empty()
                : sessions.active().stream()
                        .filter(s -> s.hasClientCapability(capability) && visibility.serverVisible(s, server))
                        .max(Comparator.comparing(AgentSession::lastActive));
        if (target.isEmpty()) {
            connection
                    .get()
                    .respond(JsonRpc.error(
                            request.get("id"), JsonRpc.METHOD_NOT_FOUND, "no connected agent can answer " + method));
            return;
        }
        new RelayChannel(target.get(), server, target.get().outbound(), connections).send(request);
    }
}
