package dev.tollgate.gateway;

import dev.tollgate.identity.Authenticator;
import dev.tollgate.json.Json;
import dev.tollgate.pipeline.CancellationSignal;
import dev.tollgate.policy.Policy;
import dev.tollgate.session.AgentSession;
import dev.tollgate.session.SessionRegistry;
import dev.tollgate.upstream.UpstreamConnection;
import dev.tollgate.upstream.UpstreamException;
import dev.tollgate.upstream.UpstreamRegistry;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import tools.jackson.databind.JsonNode;
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

    private final GatewaySettings settings;
    private final NameScheme names;
    private final UpstreamRegistry upstreams;
    private final AgentVisibility visibility;
    private final CatalogPages catalog;
    private final ForwardedRequests forwarded;
    private final AgentNotifier notifier;
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
        this.settings = settings;
        this.names = new NameScheme(settings.toolNameSeparator(), new TransparentUpstreams(upstreams));
        this.upstreams = upstreams;
        this.visibility = new AgentVisibility(policy, authenticator, upstreams, names);
        this.catalog = new CatalogPages(visibility, upstreams, names, settings);
        this.forwarded = new ForwardedRequests(visibility, names, settings, this::connection);
        this.notifier = new AgentNotifier(sessions, visibility, names, this::connection);
        this.toolCalls = new ToolCalls(names, visibility::servers, upstreams, pipelines, settings, this::connection);
        upstreams.onListChanged(notifier::onListChanged);
        upstreams.onUpstreamMessage(notifier::onUpstreamMessage);
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
                return JsonRpc.result(id, catalog.tools(session, params));
            case "tools/call":
                return JsonRpc.result(id, toolCalls.call(session, params, scope, cancellation));
            case "resources/list":
                return JsonRpc.result(id, catalog.resources(session, params));
            case "resources/templates/list":
                return JsonRpc.result(id, catalog.resourceTemplates(session, params));
            case "resources/read":
                return forwarded.readResource(session, id, params, scope);
            case "resources/subscribe", "resources/unsubscribe":
                return forwarded.subscription(session, id, method, params, scope);
            case "prompts/list":
                return JsonRpc.result(id, catalog.prompts(session, params));
            case "prompts/get":
                return forwarded.getPrompt(session, id, params, scope);
            case "completion/complete":
                return forwarded.complete(session, id, params, scope);
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
        return notifier.listen(listener);
    }

    /** The servers whose tools, resources and prompts the session's agent may see. */
    public List<String> visibleServers(AgentSession session) {
        return visibility.servers().stream()
                .filter(server -> visibility.serverVisible(session, server))
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
                for (String server : visibility.servers()) {
                    if (visibility.serverVisible(session, server)) {
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
        notifier.policyChanged();
    }

    private JsonNode setLevel(AgentSession session, JsonNode id, JsonNode params) {
        String level = params.path("level").asString("");
        if (!LOG_LEVELS.contains(level)) {
            throw new InvalidParams("level must be one of " + LOG_LEVELS);
        }
        session.logLevel(level);
        return JsonRpc.result(id, Json.object());
    }
}
