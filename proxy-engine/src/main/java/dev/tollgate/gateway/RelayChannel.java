package dev.tollgate.gateway;

import dev.tollgate.pipeline.AgentChannel;
import dev.tollgate.session.AgentSession;
import dev.tollgate.upstream.AgentSide;
import dev.tollgate.upstream.UpstreamConnection;
import dev.tollgate.upstream.UpstreamException;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.function.Function;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * Carries what an upstream sends about one agent request to that agent: notifications pass unchanged,
 * server-to-client requests get a Tollgate id (remembered so the answer routes back). A 2026-07-28 agent has no
 * server-to-client requests: its call's {@link InputBridge.Held} turns them into an {@code input_required}
 * result when the call has one, else the upstream hears at once that nobody can answer.
 */
final class RelayChannel implements AgentSide {
    static final List<String> LOG_LEVELS =
            List.of("debug", "info", "notice", "warning", "error", "critical", "alert", "emergency");

    private final AgentSession session;
    private final String server;
    private final AgentChannel sink;
    private final Function<String, Optional<UpstreamConnection>> connections;
    private final Optional<InputBridge.Held> bridge;

    RelayChannel(
            AgentSession session,
            String server,
            AgentChannel sink,
            Function<String, Optional<UpstreamConnection>> connections) {
        this(session, server, sink, connections, Optional.empty());
    }

    RelayChannel(
            AgentSession session,
            String server,
            AgentChannel sink,
            Function<String, Optional<UpstreamConnection>> connections,
            Optional<InputBridge.Held> bridge) {
        this.session = session;
        this.server = server;
        this.sink = sink;
        this.connections = connections;
        this.bridge = bridge;
    }

    @Override
    public JsonNode clientCapabilities() {
        return session.clientCapabilities();
    }

    @Override
    public boolean holdsRounds() {
        return bridge.isPresent();
    }

    @Override
    public JsonNode nextRound(JsonNode inputRequired, Duration timeout) throws UpstreamException {
        if (bridge.isEmpty()) {
            return AgentSide.super.nextRound(inputRequired, timeout);
        }
        return bridge.get().nextRound(inputRequired, timeout);
    }

    @Override
    public void send(JsonNode message) {
        JsonRpc.Kind kind = JsonRpc.kind(message);
        AgentChannel out = bridge.<AgentChannel>map(InputBridge.Held::sink).orElse(sink);
        if (kind == JsonRpc.Kind.REQUEST && session.isStateless()) {
            String capability = InputBridge.capabilityFor(message.path("method").asString(""));
            if (bridge.isPresent() && session.hasClientCapability(capability)) {
                bridge.get().asked(message);
            } else {
                refuseStateless(message, capability);
            }
        } else if (kind == JsonRpc.Kind.REQUEST) {
            String relayId = session.relay(new AgentSession.PendingRelay(server, message.get("id")));
            ObjectNode copy = (ObjectNode) message.deepCopy();
            copy.put("id", relayId);
            out.send(copy);
        } else if (kind == JsonRpc.Kind.NOTIFICATION) {
            if (!"notifications/message".equals(message.path("method").asString(""))) {
                out.send(message);
            } else if (wantsLog(session, message)) {
                out.send(logFrom(server, message));
            }
        }
    }

    /** A stateless agent cannot be asked mid-request outside a bridged call, so the upstream hears that at once. */
    private void refuseStateless(JsonNode request, String capability) {
        String method = request.path("method").asString();
        String why = bridge.isPresent() && !capability.isEmpty()
                ? "the agent did not declare the " + capability + " capability; " + method + " cannot be relayed"
                : "the agent speaks MCP " + session.protocolVersion() + ", which has no server-to-client requests; "
                        + method + " cannot be relayed";
        connections
                .apply(server)
                .ifPresent(c -> c.respond(JsonRpc.error(request.get("id"), JsonRpc.METHOD_NOT_FOUND, why)));
    }

    /**
     * Whether the message is at or above the level the agent set with logging/setLevel (or, in the 2026-07-28
     * revision, in the request's {@code _meta}; a level Tollgate does not know, such as none given, hears nothing).
     */
    static boolean wantsLog(AgentSession session, JsonNode message) {
        String level = message.path("params").path("level").asString("info");
        int wanted = LOG_LEVELS.indexOf(session.logLevel());
        return wanted >= 0 && LOG_LEVELS.indexOf(level) >= wanted;
    }

    /** The log message with its logger prefixed by the server, so the agent can tell whose it is. */
    static JsonNode logFrom(String server, JsonNode message) {
        ObjectNode copy = (ObjectNode) message.deepCopy();
        if (copy.get("params") instanceof ObjectNode p) {
            p.put(
                    "logger",
                    server
                            + (p.path("logger").isString()
                                    ? "/" + p.get("logger").asString()
                                    : ""));
        }
        return copy;
    }
}
