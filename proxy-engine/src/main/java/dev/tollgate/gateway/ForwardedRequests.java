package dev.tollgate.gateway;

import dev.tollgate.json.Json;
import dev.tollgate.pipeline.ToolRef;
import dev.tollgate.session.AgentSession;
import dev.tollgate.upstream.RequestOptions;
import dev.tollgate.upstream.UpstreamConnection;
import dev.tollgate.upstream.UpstreamException;
import dev.tollgate.upstream.UpstreamResponse;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * Routes the requests that bypass the governing pipeline (resource reads and subscriptions, prompts,
 * completions) to the upstream that owns the name or URI, rewriting names both ways.
 */
final class ForwardedRequests {
    private final AgentVisibility visibility;
    private final NameScheme names;
    private final GatewaySettings settings;
    private final Function<String, Optional<UpstreamConnection>> connections;

    ForwardedRequests(
            AgentVisibility visibility,
            NameScheme names,
            GatewaySettings settings,
            Function<String, Optional<UpstreamConnection>> connections) {
        this.visibility = visibility;
        this.names = names;
        this.settings = settings;
        this.connections = connections;
    }

    private interface ResultRewrite {
        void apply(JsonNode result);
    }

    JsonNode readResource(AgentSession session, JsonNode id, JsonNode params, RequestScope scope) {
        return forwardByUri(session, id, "resources/read", params, scope, server -> result -> {
            if (result.path("contents").isArray()) {
                for (JsonNode content : result.get("contents")) {
                    if (content.isObject() && content.path("uri").isString()) {
                        ((ObjectNode) content)
                                .put("uri", names.uri(server, content.get("uri").asString()));
                    }
                }
            }
        });
    }

    /** Relays a 2025-era resource (un)subscription to the server that owns the URI; updates reach the agent. */
    JsonNode subscription(AgentSession session, JsonNode id, String method, JsonNode params, RequestScope scope) {
        return forwardByUri(session, id, method, params, scope, server -> result -> {});
    }

    /**
     * Forwards a request naming a resource by Tollgate's URI to the visible server that owns it, under that server's
     * own URI; {@code rewrite} gets the server and says how to rewrite its result.
     */
    private JsonNode forwardByUri(
            AgentSession session,
            JsonNode id,
            String method,
            JsonNode params,
            RequestScope scope,
            Function<String, ResultRewrite> rewrite) {
        String uri = params.path("uri").asString("");
        Optional<ToolRef> target = names.parseUri(uri, visibility.servers());
        if (target.isEmpty() || !visibility.serverVisible(session, target.get().server())) {
            return resourceNotFound(id, uri);
        }
        ObjectNode forwarded = ((ObjectNode) params).deepCopy();
        forwarded.put("uri", target.get().tool());
        String server = target.get().server();
        return forward(session, id, server, method, forwarded, scope, rewrite.apply(server));
    }

    private static JsonNode resourceNotFound(JsonNode id, String uri) {
        ObjectNode error = JsonRpc.error(id, JsonRpc.RESOURCE_NOT_FOUND, "Resource not found");
        ((ObjectNode) error.get("error")).putObject("data").put("uri", uri);
        return error;
    }

    JsonNode getPrompt(AgentSession session, JsonNode id, JsonNode params, RequestScope scope) {
        String name = params.path("name").asString("");
        Optional<ToolRef> target = names.parse(name, visibility.servers());
        if (target.isEmpty() || !visibility.serverVisible(session, target.get().server())) {
            return JsonRpc.error(id, JsonRpc.INVALID_PARAMS, "Unknown prompt: " + name);
        }
        ObjectNode forwarded = ((ObjectNode) params).deepCopy();
        forwarded.put("name", target.get().tool());
        return forward(session, id, target.get().server(), "prompts/get", forwarded, scope, result -> {});
    }

    JsonNode complete(AgentSession session, JsonNode id, JsonNode params, RequestScope scope) {
        JsonNode ref = params.path("ref");
        String type = ref.path("type").asString("");
        Optional<ToolRef> target;
        ObjectNode forwarded = ((ObjectNode) params).deepCopy();
        if ("ref/prompt".equals(type)) {
            target = names.parse(ref.path("name").asString(""), visibility.servers());
            target.ifPresent(t -> ((ObjectNode) forwarded.get("ref")).put("name", t.tool()));
        } else if ("ref/resource".equals(type)) {
            target = names.parseUri(ref.path("uri").asString(""), visibility.servers());
            target.ifPresent(t -> ((ObjectNode) forwarded.get("ref")).put("uri", t.tool()));
        } else {
            return JsonRpc.error(id, JsonRpc.INVALID_PARAMS, "completion/complete needs ref/prompt or ref/resource");
        }
        if (target.isEmpty() || !visibility.serverVisible(session, target.get().server())) {
            return JsonRpc.error(id, JsonRpc.INVALID_PARAMS, "Unknown completion reference");
        }
        return forward(session, id, target.get().server(), "completion/complete", forwarded, scope, result -> {});
    }

    private JsonNode forward(
            AgentSession session,
            JsonNode id,
            String server,
            String method,
            JsonNode params,
            RequestScope scope,
            ResultRewrite rewrite) {
        Optional<UpstreamConnection> connection = connections.apply(server);
        if (connection.isEmpty()) {
            return JsonRpc.error(id, JsonRpc.INTERNAL_ERROR, "upstream server " + server + " is not connected");
        }
        UpstreamResponse response;
        try {
            response = connection
                    .get()
                    .request(
                            method,
                            params,
                            new RequestOptions(
                                    Map.of(),
                                    settings.callTimeout(),
                                    new RelayChannel(session, server, scope.related(), connections)));
        } catch (UpstreamException e) {
            return JsonRpc.error(
                    id,
                    JsonRpc.INTERNAL_ERROR,
                    "upstream server " + server + (e.timedOut() ? " timed out" : " failed") + ": " + e.getMessage());
        }
        if (response.error().isPresent()) {
            return JsonRpc.errorObject(id, response.error().get());
        }
        JsonNode result = response.result().orElse(Json.object()).deepCopy();
        rewrite.apply(result);
        return JsonRpc.result(id, result);
    }
}
