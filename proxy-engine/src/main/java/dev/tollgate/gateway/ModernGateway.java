package dev.tollgate.gateway;

import dev.tollgate.json.Json;
import dev.tollgate.pipeline.AgentChannel;
import dev.tollgate.session.AgentSession;
import dev.tollgate.upstream.ModernCallParams;
import java.util.Optional;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * Tollgate towards agents speaking the stateless 2026-07-28 revision: {@code server/discover} answers the
 * capabilities aggregated over what the agent may see, removed methods are not found, and every result says
 * it is complete ({@code resultType}) and, for lists and reads, how long it may be cached ({@link CacheHints}). Everything else is the same gateway
 * the 2025 era uses, so policy, limits and audit apply identically.
 */
public final class ModernGateway {
    private final McpGateway gateway;
    private final CacheHints cacheHints;
    private final String version;

    public ModernGateway(McpGateway gateway) {
        this.gateway = gateway;
        this.cacheHints = new CacheHints(gateway);
        this.version = gateway.version();
    }

    /** Registers a listen stream's context with the gateway; the returned action unregisters it. */
    public Runnable listen(AgentSession listener) {
        return gateway.listen(listener);
    }

    /**
     * Subscribes, on the agent's behalf, to updates of one resource it may see (the URI as the agent knows it),
     * at the upstream that owns it; false when the agent may not see it or the upstream refused (a 2026-07-28
     * upstream has no {@code resources/subscribe}). Tollgate's upstream session keeps the subscription.
     */
    public boolean subscribe(AgentSession listener, String uri) {
        ObjectNode request = Json.object();
        request.put("jsonrpc", "2.0");
        request.put("id", "tollgate-listen-subscribe");
        request.put("method", "resources/subscribe");
        request.putObject("params").put("uri", uri);
        return gateway.handle(listener, request, new RequestScope(AgentChannel.DISCARD, Optional.empty()))
                .map(answer -> answer.has("result"))
                .orElse(false);
    }

    /** Whether the revision has this method; the others answer -32601 with HTTP 404. */
    public static boolean hasMethod(String method) {
        return ModernProtocol.METHODS.contains(method);
    }

    /** The answer to one request whose envelope and headers were checked; empty when the agent cancelled it. */
    public Optional<JsonNode> handle(AgentSession session, JsonNode request, RequestScope scope) {
        String method = request.path("method").asString();
        JsonNode id = request.get("id");
        Optional<JsonNode> answer = method.equals("server/discover")
                ? Optional.of(JsonRpc.result(id, discover(session)))
                : gateway.handle(session, request, scope);
        return answer.map(a -> upstreamError(id, a).orElse(a)).map(a -> {
            complete(session, method, a);
            return a;
        });
    }

    /** A tools/call the upstream answered with a JSON-RPC error, answered with that error as the revision asks. */
    private static Optional<JsonNode> upstreamError(JsonNode id, JsonNode answer) {
        JsonNode error = answer.path("result").path("_meta").path(ModernCallParams.UPSTREAM_ERROR);
        return error.isObject() ? Optional.of(JsonRpc.errorObject(id, error)) : Optional.empty();
    }

    /** The capabilities of Tollgate as this agent sees it, and who is answering. */
    JsonNode discover(AgentSession session) {
        ObjectNode result = Json.object();
        result.putArray("supportedVersions").add(ModernProtocol.VERSION);
        ObjectNode capabilities = result.putObject("capabilities");
        capabilities.putObject("tools").put("listChanged", true);
        capabilities.putObject("resources").put("listChanged", true);
        capabilities.putObject("prompts").put("listChanged", true);
        for (String server : gateway.visibleServers(session)) {
            if (gateway.upstreamCapabilities(server).has("completions")) {
                capabilities.putObject("completions");
                break;
            }
        }
        result.put(
                "instructions",
                "Tollgate governs these tools: calls are authenticated, checked against policy, "
                        + "rate limited and audited. A blocked call answers with isError and the rule that blocked it.");
        result.putObject("_meta").set(ModernProtocol.SERVER_INFO_KEY, serverInfo());
        return result;
    }

    private ObjectNode serverInfo() {
        ObjectNode info = Json.object();
        info.put("name", "tollgate");
        info.put("version", version);
        return info;
    }

    /** Marks a result complete and, where the revision asks for them, adds cache hints. */
    private void complete(AgentSession session, String method, JsonNode answer) {
        if (!(answer.get("result") instanceof ObjectNode result)) {
            return;
        }
        if (!result.has("resultType")) {
            result.put("resultType", "complete");
        }
        if (CacheHints.cacheable(method)) {
            cacheHints.apply(method, gateway.visibleServers(session), result);
        }
        ObjectNode meta = result.get("_meta") instanceof ObjectNode m ? m : result.putObject("_meta");
        meta.set(ModernProtocol.SERVER_INFO_KEY, serverInfo());
    }
}
