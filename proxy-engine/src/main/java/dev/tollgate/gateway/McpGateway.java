package dev.tollgate.gateway;

import dev.tollgate.identity.AgentIdentity;
import dev.tollgate.identity.Authenticator;
import dev.tollgate.json.Json;
import dev.tollgate.pipeline.CancellationSignal;
import dev.tollgate.pipeline.ToolRef;
import dev.tollgate.policy.Policy;
import dev.tollgate.session.AgentSession;
import dev.tollgate.session.SessionRegistry;
import dev.tollgate.upstream.ListChange;
import dev.tollgate.upstream.RequestOptions;
import dev.tollgate.upstream.UpstreamConnection;
import dev.tollgate.upstream.UpstreamException;
import dev.tollgate.upstream.UpstreamPrompt;
import dev.tollgate.upstream.UpstreamRegistry;
import dev.tollgate.upstream.UpstreamResource;
import dev.tollgate.upstream.UpstreamResourceTemplate;
import dev.tollgate.upstream.UpstreamResponse;
import dev.tollgate.upstream.UpstreamTool;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * Tollgate as one MCP server towards agents: answers the lifecycle itself, aggregates the lists of every
 * upstream the agent may see, and routes calls and reads back to the upstream that owns them. Tool calls go
 * through the governing pipeline; everything else is forwarded directly. Transport-neutral: the HTTP and
 * stdio transports hand it parsed messages and send what it returns.
 */
public final class McpGateway {
    private static final Logger LOG = LoggerFactory.getLogger(McpGateway.class);
    private static final List<String> LOG_LEVELS = RelayChannel.LOG_LEVELS;

    private final Supplier<Policy> policy;
    private final GatewayPipelines pipelines;
    private final SessionRegistry sessions;
    private final GatewaySettings settings;
    private final NameScheme names;
    private final UpstreamRegistry upstreams;
    private final Optional<Supplier<Authenticator>> authenticator;
    private final Set<AgentSession> listeners = ConcurrentHashMap.newKeySet();
    private final ToolCalls toolCalls;

    /** Visibility is decided by the roles the session's agent had when it connected. */
    public McpGateway(
            UpstreamRegistry upstreams,
            Supplier<Policy> policy,
            GatewayPipelines pipelines,
            SessionRegistry sessions,
            GatewaySettings settings) {
        this(upstreams, policy, Optional.empty(), pipelines, sessions, settings);
    }

    /** Visibility follows the authenticator in force, so roles changed by a config reload apply at once. */
    public McpGateway(
            UpstreamRegistry upstreams,
            Supplier<Policy> policy,
            Supplier<Authenticator> authenticator,
            GatewayPipelines pipelines,
            SessionRegistry sessions,
            GatewaySettings settings) {
        this(upstreams, policy, Optional.of(authenticator), pipelines, sessions, settings);
    }

    private McpGateway(
            UpstreamRegistry upstreams,
            Supplier<Policy> policy,
            Optional<Supplier<Authenticator>> authenticator,
            GatewayPipelines pipelines,
            SessionRegistry sessions,
            GatewaySettings settings) {
        this.policy = policy;
        this.authenticator = authenticator;
        this.pipelines = pipelines;
        this.sessions = sessions;
        this.settings = settings;
        this.names = new NameScheme(settings.toolNameSeparator(), new TransparentUpstreams(upstreams));
        this.upstreams = upstreams;
        this.toolCalls = new ToolCalls(names, this::servers, upstreams, pipelines, settings, this::connection);
        upstreams.onListChanged(this::onListChanged);
        upstreams.onUpstreamMessage(this::onUpstreamMessage);
    }

    /**
     * Who the session's agent is now: its roles may have changed with a reloaded configuration since the
     * session opened. Credentials that no longer authenticate see nothing.
     */
    private AgentIdentity currentAgent(AgentSession session) {
        if (authenticator.isEmpty()) {
            return session.agent();
        }
        Authenticator.AuthResult result = authenticator.get().get().authenticate(session.credentials());
        if (result instanceof Authenticator.AuthResult.Authenticated authenticated
                && authenticated.identity().agentId().equals(session.agent().agentId())) {
            return authenticated.identity();
        }
        return new AgentIdentity(session.agent().agentId(), List.of(), "refused");
    }

    private List<String> servers() {
        return List.copyOf(upstreams.serverNames());
    }

    private Optional<UpstreamConnection> connection(String server) {
        try {
            return Optional.of(upstreams.connection(server));
        } catch (UpstreamException e) {
            return Optional.empty();
        }
    }

    public NameScheme names() {
        return names;
    }

    /** Tollgate's version, as serverInfo names it. */
    public String version() {
        return settings.version();
    }

    /** Whether answering this method may involve related messages (progress, sampling), so SSE suits it. */
    public static boolean streamsRelatedMessages(String method) {
        return switch (method) {
            case "tools/call", "resources/read", "prompts/get", "completion/complete" -> true;
            default -> false;
        };
    }

    /** Answers {@code initialize}: negotiates the version and records the client's capabilities. */
    public JsonNode initialize(AgentSession session, JsonNode params) {
        String version =
                ProtocolVersions.negotiate(params.path("protocolVersion").asString(""));
        session.initialized(version, params.path("capabilities"), params.path("clientInfo"));
        ObjectNode result = Json.object();
        result.put("protocolVersion", version);
        ObjectNode capabilities = result.putObject("capabilities");
        capabilities.putObject("tools").put("listChanged", true);
        capabilities.putObject("resources").put("listChanged", true).put("subscribe", true);
        capabilities.putObject("prompts").put("listChanged", true);
        capabilities.putObject("logging");
        capabilities.putObject("completions");
        ObjectNode info = result.putObject("serverInfo");
        info.put("name", "tollgate");
        info.put("version", settings.version());
        result.put(
                "instructions",
                "Tollgate governs these tools: calls are authenticated, checked against policy, "
                        + "rate limited and audited. A blocked call answers with isError and the rule that blocked it.");
        return result;
    }

    /**
     * Answers one request (never initialize, which the transport handles with the session it opens).
     * Empty when the agent cancelled the request meanwhile: then the spec says to send no response.
     */
    public Optional<JsonNode> handle(AgentSession session, JsonNode request, RequestScope scope) {
        JsonNode id = request.get("id");
        String method = request.path("method").asString();
        JsonNode params = request.path("params");
        if (!params.isMissingNode() && !params.isObject()) {
            return Optional.of(JsonRpc.error(id, JsonRpc.INVALID_PARAMS, "params must be an object"));
        }
        CancellationSignal cancellation = new CancellationSignal();
        session.started(id, cancellation::cancel);
        try {
            JsonNode answer = dispatch(session, id, method, params, scope, cancellation);
            return cancellation.isCancelled() ? Optional.empty() : Optional.of(answer);
        } catch (InvalidParams e) {
            return Optional.of(JsonRpc.error(id, JsonRpc.INVALID_PARAMS, e.getMessage()));
        } catch (RuntimeException e) {
            LOG.error("{} from agent {} failed", method, session.agent().agentId(), e);
            return Optional.of(JsonRpc.error(id, JsonRpc.INTERNAL_ERROR, "internal error while handling " + method));
        } finally {
            session.finished(id);
        }
    }

    private JsonNode dispatch(
            AgentSession session,
            JsonNode id,
            String method,
            JsonNode params,
            RequestScope scope,
            CancellationSignal cancellation) {
        switch (method) {
            case "ping":
                return JsonRpc.result(id, Json.object());
            case "initialize":
                return JsonRpc.error(id, JsonRpc.INVALID_REQUEST, "the session is already initialized");
            case "tools/list":
                return JsonRpc.result(id, page(listTools(session), params, "tools"));
            case "tools/call":
                return JsonRpc.result(id, toolCalls.call(session, params, scope, cancellation));
            case "resources/list":
                return JsonRpc.result(id, page(listResources(session), params, "resources"));
            case "resources/templates/list":
                return JsonRpc.result(id, page(listResourceTemplates(session), params, "resourceTemplates"));
            case "resources/read":
                return readResource(session, id, params, scope);
            case "resources/subscribe", "resources/unsubscribe":
                return subscription(session, id, method, params, scope);
            case "prompts/list":
                return JsonRpc.result(id, page(listPrompts(session), params, "prompts"));
            case "prompts/get":
                return getPrompt(session, id, params, scope);
            case "completion/complete":
                return complete(session, id, params, scope);
            case "logging/setLevel":
                return setLevel(session, id, params);
            default:
                return JsonRpc.error(id, JsonRpc.METHOD_NOT_FOUND, "Method not found: " + method);
        }
    }

    /**
     * Registers a 2026-07-28 {@code subscriptions/listen} stream: it hears list changes (and policy reloads that
     * change what its agent sees) like a session's GET stream. The returned action unregisters it.
     */
    public Runnable listen(AgentSession listener) {
        listener.announcedTools(visibleToolNames(listener));
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

    /** The servers whose tools, resources and prompts the session's agent may see. */
    public List<String> visibleServers(AgentSession session) {
        return servers().stream()
                .filter(server -> serverVisible(session, server))
                .toList();
    }

    /** How long the server's list stays fresh by its own cache hint (see {@link UpstreamRegistry}). */
    public OptionalLong listFreshnessMillis(String server, String method) {
        return upstreams.listFreshnessMillis(server, method);
    }

    /** What the upstream said it can do (its initialize or server/discover answer), empty when not connected. */
    public JsonNode upstreamCapabilities(String server) {
        return connection(server)
                .map(c -> c.initializeResult().path("capabilities"))
                .orElseGet(Json::object);
    }

    /** Handles a notification from the agent. */
    public void notification(AgentSession session, JsonNode message) {
        String method = message.path("method").asString();
        JsonNode params = message.path("params");
        switch (method) {
            case "notifications/cancelled":
                if (params.has("requestId")) {
                    String reason = params.path("reason").asString("");
                    session.cancel(params.get("requestId"), reason.isBlank() ? "no reason given" : reason);
                }
                break;
            case "notifications/roots/list_changed":
                for (String server : servers()) {
                    if (serverVisible(session, server)) {
                        connection(server).ifPresent(c -> c.notify(method, params));
                    }
                }
                break;
            default:
                break;
        }
    }

    /** Routes the agent's answer to a server-to-client request back to the upstream that asked. */
    public void response(AgentSession session, JsonNode message) {
        Optional<AgentSession.PendingRelay> pending = session.takeRelay(message.get("id"));
        if (pending.isEmpty()) {
            LOG.debug(
                    "agent {} answered a request Tollgate did not relay",
                    session.agent().agentId());
            return;
        }
        ObjectNode answer = (ObjectNode) message.deepCopy();
        answer.set("id", pending.get().upstreamId());
        Optional<UpstreamConnection> connection = connection(pending.get().server());
        if (connection.isEmpty()) {
            LOG.warn(
                    "upstream {} went away before the agent answered its request",
                    pending.get().server());
            return;
        }
        connection.get().respond(answer);
    }

    /**
     * Re-announces the tool list to every session whose visible tools changed under a new policy, and the resource
     * and prompt lists when the servers it sees changed with them (those lists follow server visibility), so
     * agents caching lists by their hints learn that theirs went stale.
     */
    public void policyChanged() {
        for (AgentSession session : audience()) {
            Set<String> visible = visibleToolNames(session);
            if (!visible.equals(session.announcedTools())) {
                Set<String> serversBefore = serversOf(session.announcedTools());
                session.announcedTools(visible);
                session.send(JsonRpc.notification("notifications/tools/list_changed", null));
                if (!serversBefore.equals(serversOf(visible))) {
                    session.send(JsonRpc.notification("notifications/resources/list_changed", null));
                    session.send(JsonRpc.notification("notifications/prompts/list_changed", null));
                }
            }
        }
    }

    private Set<String> serversOf(Set<String> toolNames) {
        Set<String> out = new HashSet<>();
        for (String name : toolNames) {
            names.parse(name, servers()).ifPresent(ref -> out.add(ref.server()));
        }
        return out;
    }

    // ---- tools

    private record ListedTool(String name, UpstreamTool tool) {}

    private List<ListedTool> visibleTools(AgentSession session) {
        Policy current = policy.get();
        AgentIdentity agent = currentAgent(session);
        List<ListedTool> out = new ArrayList<>();
        for (UpstreamTool tool : upstreams.tools()) {
            if (!tool.name().isEmpty() && current.visible(agent, tool.ref(), tool.annotations())) {
                out.add(new ListedTool(names.name(tool.server(), tool.name()), tool));
            }
        }
        return out;
    }

    private Set<String> visibleToolNames(AgentSession session) {
        Set<String> out = new LinkedHashSet<>();
        visibleTools(session).forEach(t -> out.add(t.name()));
        return out;
    }

    private List<JsonNode> listTools(AgentSession session) {
        List<ListedTool> visible = visibleTools(session);
        Set<String> announced = new LinkedHashSet<>();
        List<JsonNode> out = new ArrayList<>();
        for (ListedTool tool : visible) {
            ObjectNode copy = (ObjectNode) tool.tool().definition().deepCopy();
            copy.put("name", tool.name());
            out.add(copy);
            announced.add(tool.name());
        }
        session.announcedTools(announced);
        return out;
    }

    // ---- resources and prompts

    /** An agent sees a server's resources and prompts when policy lets it see at least one of its tools. */
    private boolean serverVisible(AgentSession session, String server) {
        Policy current = policy.get();
        AgentIdentity agent = currentAgent(session);
        for (UpstreamTool tool : upstreams.tools(server)) {
            if (!tool.name().isEmpty() && current.visible(agent, tool.ref(), tool.annotations())) {
                return true;
            }
        }
        return false;
    }

    private List<JsonNode> listResources(AgentSession session) {
        List<JsonNode> out = new ArrayList<>();
        for (UpstreamResource resource : upstreams.resources()) {
            if (serverVisible(session, resource.server())) {
                ObjectNode copy = (ObjectNode) resource.definition().deepCopy();
                copy.put("uri", names.uri(resource.server(), resource.uri()));
                out.add(copy);
            }
        }
        return out;
    }

    private List<JsonNode> listResourceTemplates(AgentSession session) {
        List<JsonNode> out = new ArrayList<>();
        for (UpstreamResourceTemplate template : upstreams.resourceTemplates()) {
            if (serverVisible(session, template.server())) {
                ObjectNode copy = (ObjectNode) template.definition().deepCopy();
                copy.put("uriTemplate", names.uri(template.server(), template.uriTemplate()));
                out.add(copy);
            }
        }
        return out;
    }

    private List<JsonNode> listPrompts(AgentSession session) {
        List<JsonNode> out = new ArrayList<>();
        for (UpstreamPrompt prompt : upstreams.prompts()) {
            if (serverVisible(session, prompt.server())) {
                ObjectNode copy = (ObjectNode) prompt.definition().deepCopy();
                copy.put("name", names.name(prompt.server(), prompt.name()));
                out.add(copy);
            }
        }
        return out;
    }

    private JsonNode readResource(AgentSession session, JsonNode id, JsonNode params, RequestScope scope) {
        String uri = params.path("uri").asString("");
        Optional<ToolRef> target = names.parseUri(uri, servers());
        if (target.isEmpty() || !serverVisible(session, target.get().server())) {
            return resourceNotFound(id, uri);
        }
        ObjectNode forwarded = ((ObjectNode) params).deepCopy();
        forwarded.put("uri", target.get().tool());
        String server = target.get().server();
        return forward(session, id, server, "resources/read", forwarded, scope, result -> {
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
    private JsonNode subscription(
            AgentSession session, JsonNode id, String method, JsonNode params, RequestScope scope) {
        String uri = params.path("uri").asString("");
        Optional<ToolRef> target = names.parseUri(uri, servers());
        if (target.isEmpty() || !serverVisible(session, target.get().server())) {
            return resourceNotFound(id, uri);
        }
        ObjectNode forwarded = ((ObjectNode) params).deepCopy();
        forwarded.put("uri", target.get().tool());
        return forward(session, id, target.get().server(), method, forwarded, scope, result -> {});
    }

    private static JsonNode resourceNotFound(JsonNode id, String uri) {
        ObjectNode error = JsonRpc.error(id, JsonRpc.RESOURCE_NOT_FOUND, "Resource not found");
        ((ObjectNode) error.get("error")).putObject("data").put("uri", uri);
        return error;
    }

    private JsonNode getPrompt(AgentSession session, JsonNode id, JsonNode params, RequestScope scope) {
        String name = params.path("name").asString("");
        Optional<ToolRef> target = names.parse(name, servers());
        if (target.isEmpty() || !serverVisible(session, target.get().server())) {
            return JsonRpc.error(id, JsonRpc.INVALID_PARAMS, "Unknown prompt: " + name);
        }
        ObjectNode forwarded = ((ObjectNode) params).deepCopy();
        forwarded.put("name", target.get().tool());
        return forward(session, id, target.get().server(), "prompts/get", forwarded, scope, result -> {});
    }

    private JsonNode complete(AgentSession session, JsonNode id, JsonNode params, RequestScope scope) {
        JsonNode ref = params.path("ref");
        String type = ref.path("type").asString("");
        Optional<ToolRef> target;
        ObjectNode forwarded = ((ObjectNode) params).deepCopy();
        if ("ref/prompt".equals(type)) {
            target = names.parse(ref.path("name").asString(""), servers());
            target.ifPresent(t -> ((ObjectNode) forwarded.get("ref")).put("name", t.tool()));
        } else if ("ref/resource".equals(type)) {
            target = names.parseUri(ref.path("uri").asString(""), servers());
            target.ifPresent(t -> ((ObjectNode) forwarded.get("ref")).put("uri", t.tool()));
        } else {
            return JsonRpc.error(id, JsonRpc.INVALID_PARAMS, "completion/complete needs ref/prompt or ref/resource");
        }
        if (target.isEmpty() || !serverVisible(session, target.get().server())) {
            return JsonRpc.error(id, JsonRpc.INVALID_PARAMS, "Unknown completion reference");
        }
        return forward(session, id, target.get().server(), "completion/complete", forwarded, scope, result -> {});
    }

    private interface ResultRewrite {
        void apply(JsonNode result);
    }

    private JsonNode forward(
            AgentSession session,
            JsonNode id,
            String server,
            String method,
            JsonNode params,
            RequestScope scope,
            ResultRewrite rewrite) {
        Optional<UpstreamConnection> connection = connection(server);
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
                                    new RelayChannel(session, server, scope.related(), this::connection)));
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

    private JsonNode setLevel(AgentSession session, JsonNode id, JsonNode params) {
        String level = params.path("level").asString("");
        if (!LOG_LEVELS.contains(level)) {
            throw new InvalidParams("level must be one of " + LOG_LEVELS);
        }
        session.logLevel(level);
        return JsonRpc.result(id, Json.object());
    }

    // ---- pagination

    private JsonNode page(List<JsonNode> items, JsonNode params, String key) {
        int offset = 0;
        JsonNode cursor = params.get("cursor");
        if (cursor != null && !cursor.isNull()) {
            offset = Optional.of(cursor)
                    .filter(JsonNode::isString)
                    .flatMap(c -> Cursors.decode(c.asString()))
                    .orElseThrow(() -> new InvalidParams("invalid cursor"));
        }
        ObjectNode result = Json.object();
        ArrayNode array = result.putArray(key);
        int end = Math.min(items.size(), offset + settings.pageSize());
        for (int i = offset; i < end; i++) {
            array.add(items.get(i));
        }
        if (end < items.size()) {
            result.put("nextCursor", Cursors.encode(end));
        }
        return result;
    }

    // ---- messages from upstreams outside any request

    /**
     * An upstream's list changed (already refetched): tell the agents that see that server (its definitions may
     * have changed under the same names) and those whose set of visible tools changed.
     */
    private void onListChanged(ListChange change) {
        switch (change.kind()) {
            case TOOLS -> {
                for (AgentSession session : audience()) {
                    Set<String> visible = visibleToolNames(session);
                    if (!visible.equals(session.announcedTools()) || serverVisible(session, change.server())) {
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

    private void onUpstreamMessage(String server, JsonNode message) {
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
            if (serverVisible(session, server)) {
                session.send(message);
            }
        }
    }

    private void relayLog(String server, JsonNode message) {
        for (AgentSession session : audience()) {
            if (RelayChannel.wantsLog(session, message) && serverVisible(session, server)) {
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
        Optional<UpstreamConnection> connection = connection(server);
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
                        .filter(s -> s.hasClientCapability(capability) && serverVisible(s, server))
                        .max(Comparator.comparing(AgentSession::lastActive));
        if (target.isEmpty()) {
            connection
                    .get()
                    .respond(JsonRpc.error(
                            request.get("id"), JsonRpc.METHOD_NOT_FOUND, "no connected agent can answer " + method));
            return;
        }
        new RelayChannel(target.get(), server, target.get().outbound(), this::connection).send(request);
    }
}
