package dev.tollgate.auditserver;

import dev.tollgate.audit.AuditStore;
import dev.tollgate.gateway.JsonRpc;
import dev.tollgate.json.Json;
import dev.tollgate.upstream.RequestOptions;
import dev.tollgate.upstream.UpstreamConnection;
import dev.tollgate.upstream.UpstreamResponse;
import java.util.function.Consumer;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * The virtual {@code tollgate} server as an in-process upstream connection: the registry lists its tools and the
 * forwarding link calls them like any server's, so they go through identity, policy, limits and audit unchanged.
 */
public final class AuditServerConnection implements UpstreamConnection {
    private final AuditTools tools;
    private final ObjectNode initializeResult;

    public AuditServerConnection(AuditStore store) {
        this.tools = new AuditTools(store);
        this.initializeResult = Json.object();
        initializeResult.put("protocolVersion", "2025-06-18");
        initializeResult.putObject("capabilities").putObject("tools");
        ObjectNode info = initializeResult.putObject("serverInfo");
        AuditTools.serverInfo().forEach((k, v) -> info.put(k, String.valueOf(v)));
    }

    @Override
    public String server() {
        return AuditServerSettings.SERVER;
    }

    @Override
    public JsonNode initializeResult() {
        return initializeResult;
    }

    @Override
    public UpstreamResponse request(String method, JsonNode params, RequestOptions options) {
        return switch (method) {
            case "tools/list" -> {
                ObjectNode result = Json.object();
                result.set("tools", AuditTools.definitions());
                yield UpstreamResponse.ofResult(result);
            }
            case "tools/call" ->
                UpstreamResponse.ofResult(tools.call(params.path("name").asString(""), params.path("arguments")));
            case "ping" -> UpstreamResponse.ofResult(Json.object());
            default ->
                UpstreamResponse.ofError(JsonRpc.error(null, JsonRpc.METHOD_NOT_FOUND, "Method not found: " + method)
                        .get("error"));
        };
    }

    @Override
    public void notify(String method, JsonNode params) {
        // Nothing to tell: the audit server keeps no per-request state an agent's notification could affect.
    }

    @Override
    public void respond(JsonNode response) {
        // The audit server never asks the client anything, so there is nothing an answer could belong to.
    }

    @Override
    public void onUnsolicited(Consumer<JsonNode> listener) {
        // It never speaks outside a request (its tool list is fixed).
    }

    @Override
    public boolean isAlive() {
        return true;
    }

    @Override
    public void close() {
        // The store belongs to the engine, which closes it.
    }
}
