package dev.tollgate.gateway;

import dev.tollgate.json.Json;
import dev.tollgate.pipeline.CallContext;
import dev.tollgate.pipeline.CallOutcome;
import dev.tollgate.pipeline.CancellationSignal;
import dev.tollgate.pipeline.ToolAnnotations;
import dev.tollgate.pipeline.ToolCall;
import dev.tollgate.pipeline.ToolRef;
import dev.tollgate.session.AgentSession;
import dev.tollgate.upstream.ModernCallParams;
import dev.tollgate.upstream.UpstreamAuth;
import dev.tollgate.upstream.UpstreamConnection;
import dev.tollgate.upstream.UpstreamRegistry;
import dev.tollgate.upstream.UpstreamTool;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.function.Function;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * Answers {@code tools/call}: builds the call from the agent's params, runs it through the governing chain and
 * hands back the result. A 2026-07-28 agent that can answer questions (it declared elicitation, sampling or roots)
 * gets its call held by the {@link InputBridge}, so a 2025-era upstream's questions reach it as
 * {@code input_required} rounds of one call.
 */
final class ToolCalls {
    private static final Logger LOG = LoggerFactory.getLogger(ToolCalls.class);
    private static final String CONVERSATION_META = "tollgate/conversation";

    private final NameScheme names;
    private final Supplier<List<String>> servers;
    private final UpstreamRegistry upstreams;
    private final GatewayPipelines pipelines;
    private final GatewaySettings settings;
    private final Function<String, Optional<UpstreamConnection>> connections;
    private final InputRounds rounds = new InputRounds();
    private final InputBridge bridge;

    ToolCalls(
            NameScheme names,
            Supplier<List<String>> servers,
            UpstreamRegistry upstreams,
            GatewayPipelines pipelines,
            GatewaySettings settings,
            Function<String, Optional<UpstreamConnection>> connections) {
        this.names = names;
        this.servers = servers;
        this.upstreams = upstreams;
        this.pipelines = pipelines;
        this.settings = settings;
        this.connections = connections;
        this.bridge = new InputBridge(connections, settings::callTimeout);
    }

    JsonNode call(AgentSession session, JsonNode params, RequestScope scope, CancellationSignal cancellation) {
        JsonNode nameNode = params.get("name");
        if (nameNode == null || !nameNode.isString() || nameNode.asString().isEmpty()) {
            throw new InvalidParams("tools/call needs params.name, the tool's name as tools/list gave it");
        }
        String name = nameNode.asString();
        JsonNode arguments = params.path("arguments");
        if (arguments.isMissingNode() || arguments.isNull()) {
            arguments = Json.object();
        } else if (!arguments.isObject()) {
            throw new InvalidParams("tools/call params.arguments must be an object");
        }
        String agentId = session.agent().agentId();
        if (session.isStateless() && InputBridge.isBridgeState(params)) {
            return withoutTollgateMeta(session, bridge.resume(agentId, name, params, scope.related(), cancellation));
        }
        if (session.isStateless()) {
            Optional<JsonNode> continued = bridge.resumePassed(agentId, name, params, scope.related(), cancellation);
            if (continued.isPresent()) {
                return withoutTollgateMeta(session, continued.get());
            }
        }
        ObjectNode meta =
                params.path("_meta").isObject() ? ((ObjectNode) params.get("_meta")).deepCopy() : Json.object();
        Optional<String> conversation = Optional.ofNullable(meta.get(CONVERSATION_META))
                .filter(JsonNode::isString)
                .map(JsonNode::asString)
                .or(scope::conversationHeader)
                .filter(s -> !s.isBlank());
        List<String> tollgateKeys = new ArrayList<>();
        meta.propertyNames().forEach(key -> {
            if (key.startsWith("tollgate/")) {
                tollgateKeys.add(key);
            }
        });
        tollgateKeys.forEach(meta::remove);
        if (session.isStateless()) {
            ModernCallParams.keep(params, meta);
        }

        Optional<ToolRef> routed = names.parse(name, servers.get());
        if (session.isStateless()
                && routed.isPresent()
                && rounds.continues(agentId, routed.get(), params, Instant.now())) {
            meta.put(ModernCallParams.LATER_ROUND, true);
        }
        ToolAnnotations annotations = ToolAnnotations.NONE;
        boolean known = false;
        if (routed.isPresent()) {
            Optional<UpstreamTool> listed = upstreams.tool(routed.get());
            // A server that is down cannot say what it offers: the call goes on and forwarding reports it down.
            known = listed.isPresent()
                    || connections.apply(routed.get().server()).isEmpty();
            annotations = listed.map(UpstreamTool::annotations).orElse(ToolAnnotations.NONE);
        }
        ToolRef ref = routed.orElseGet(() -> names.guess(name));
        ToolCall call = new ToolCall(
                UUID.randomUUID().toString(),
                Instant.now(),
                session.id(),
                session.credentials(),
                Optional.of(session.agent()),
                Optional.empty(),
                ref,
                arguments,
                annotations,
                conversation,
                meta,
                UpstreamAuth.NONE);
        boolean offered = known;
        JsonNode result;
        if (session.isStateless() && canBeAsked(session)) {
            InputBridge.Held held = bridge.hold(agentId, name, ref.server(), scope.related());
            CallContext context = new CallContext(
                    session.protocolVersion(),
                    new RelayChannel(session, ref.server(), scope.related(), connections, Optional.of(held)),
                    settings.callTimeout(),
                    held.cancellation(),
                    scope.admission());
            result = bridge.run(held, () -> execute(name, call, context, offered, session), cancellation);
        } else {
            CallContext context = new CallContext(
                    session.protocolVersion(),
                    new RelayChannel(session, ref.server(), scope.related(), connections),
                    settings.callTimeout(),
                    cancellation,
                    scope.admission());
            result = execute(name, call, context, known, session);
        }
        if (session.isStateless() && !InputBridge.isBridgeState(result)) {
            rounds.answered(agentId, ref, result, Instant.now());
        }
        return withoutTollgateMeta(session, result);
    }

    /** Whether a 2026-07-28 agent declared a capability an upstream's question could need. */
    private static boolean canBeAsked(AgentSession session) {
        return session.hasClientCapability("elicitation")
                || session.hasClientCapability("sampling")
                || session.hasClientCapability("roots");
    }

    private JsonNode execute(String name, ToolCall call, CallContext context, boolean known, AgentSession session) {
        try {
            return (known ? pipelines.calls() : pipelines.unknownTools())
                    .execute(call, context)
                    .result();
        } catch (RuntimeException e) {
            LOG.error(
                    "the pipeline failed on {} for agent {}",
                    call.tool(),
                    session.agent().agentId(),
                    e);
            return CallOutcome.errorResult("Tollgate could not complete the call to " + name + ": internal error.");
        }
    }

    /**
     * The result as the agent gets it: without the rounds Tollgate lists for the audit record, and for a
     * 2025-era agent without the upstream error a 2026-07-28 agent gets as a JSON-RPC error.
     */
    private static JsonNode withoutTollgateMeta(AgentSession session, JsonNode result) {
        if (result.path("_meta") instanceof ObjectNode resultMeta) {
            resultMeta.remove(ModernCallParams.ROUNDS);
            if (!session.isStateless()) {
                resultMeta.remove(ModernCallParams.UPSTREAM_ERROR);
            }
            if (resultMeta.isEmpty()) {
                ((ObjectNode) result).remove("_meta");
            }
        }
        return result;
    }
}
