package dev.tollgate.transport;

import dev.tollgate.gateway.JsonRpc;
import dev.tollgate.gateway.McpGateway;
import dev.tollgate.gateway.ModernProtocol;
import dev.tollgate.gateway.ProtocolVersions;
import dev.tollgate.gateway.RequestScope;
import dev.tollgate.identity.AgentIdentity;
import dev.tollgate.identity.Authenticator;
import dev.tollgate.identity.BearerChallenge;
import dev.tollgate.identity.Credentials;
import dev.tollgate.json.Json;
import dev.tollgate.session.AgentSession;
import dev.tollgate.session.SessionEndReason;
import dev.tollgate.session.SessionLimitException;
import dev.tollgate.session.SessionRegistry;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.http.HttpURI;
import org.eclipse.jetty.io.Content;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ArrayNode;

/**
 * The MCP Streamable HTTP endpoint. In the 2025 era (2025-03-26, 2025-06-18, 2025-11-25) POST carries messages,
 * GET opens the session's server-to-agent stream, DELETE ends the session. Beside it, on the same endpoint,
 * the stateless 2026-07-28 revision: a POST whose body claims it ({@link ModernRequestCheck}) stands alone.
 * Every request is checked in the order Origin (403), credentials (401), then the method's own rules, before
 * the gateway sees a message; only a 2026-07-28 request whose headers disagree with its body is refused (400)
 * before its credentials count, and put on the record.
 */
public final class McpHttpHandler extends Handler.Abstract {
    static final String SESSION_HEADER = "Mcp-Session-Id";
    static final String VERSION_HEADER = "MCP-Protocol-Version";
    static final String CONVERSATION_HEADER = "X-Tollgate-Conversation";
    private static final Logger LOG = LoggerFactory.getLogger(McpHttpHandler.class);
    private static final long KEEP_ALIVE_NANOS = 15_000_000_000L;

    private final McpGateway gateway;
    private final SessionRegistry sessions;
    private final Supplier<Authenticator> authenticator;
    private final OriginPolicy origins;
    private final long maxRequestBytes;
    private final String userTokenHeader;
    private final Set<SseStream> openStreams = ConcurrentHashMap.newKeySet();
    /** The open GET streams and their sessions: an agent listening on one is not idle. */
    private final Map<SseStream, String> listening = new ConcurrentHashMap<>();

    private final ModernPost modern;

    private volatile RefusalListener refusals = RefusalListener.NONE;
    private volatile MismatchListener mismatches = MismatchListener.NONE;

    public McpHttpHandler(
            McpGateway gateway,
            SessionRegistry sessions,
            Supplier<Authenticator> authenticator,
            OriginPolicy origins,
            long maxRequestBytes,
            String userTokenHeader) {
        this.gateway = gateway;
        this.sessions = sessions;
        this.authenticator = authenticator;
        this.origins = origins;
        this.maxRequestBytes = maxRequestBytes;
        this.userTokenHeader = userTokenHeader;
        this.modern = new ModernPost(gateway, openStreams, Clock.systemUTC());
        sessions.addListener((session, reason) -> {
            if (session.outbound() instanceof HttpOutbox outbox) {
                outbox.close();
            }
        });
    }

    /** Hears every request whose credentials were refused (the engine audits them). */
    @FunctionalInterface
    public interface RefusalListener {
        RefusalListener NONE = (presented, sessionId, httpMethod, reason) -> {};

        void refused(Credentials presented, String sessionId, String httpMethod, String reason);
    }

    /** Hears every 2026-07-28 request refused because its headers disagreed with its body. */
    @FunctionalInterface
    public interface MismatchListener {
        MismatchListener NONE = (agent, presented, body, reason) -> {};

        void refused(Optional<AgentIdentity> agent, Credentials presented, JsonNode body, String reason);
    }

    /** Registers who hears header/body mismatches (the engine audits them); call before the server starts. */
    public void onHeaderMismatch(MismatchListener listener) {
        this.mismatches = listener;
    }

    /** Registers who hears refused credentials; call before the server starts. */
    public void onRefusedCredentials(RefusalListener listener) {
        this.refusals = listener;
    }

    /** Sends SSE comments on streams idle for a while; the server calls this periodically. */
    void keepStreamsAlive() {
        for (SseStream stream : openStreams) {
            stream.keepAlive(KEEP_ALIVE_NANOS);
            if (!stream.isOpen()) {
                openStreams.remove(stream);
                listening.remove(stream);
            }
        }
        listening.values().forEach(sessions::find);
    }

    @Override
    public boolean handle(Request request, Response response, Callback callback) {
        try {
            if (!origins.permits(request.getHeaders().get(HttpHeader.ORIGIN))) {
                return reply(
                        response,
                        callback,
                        403,
                        JsonRpc.error(
                                null,
                                JsonRpc.SERVER_ERROR,
                                "Forbidden: origin " + request.getHeaders().get(HttpHeader.ORIGIN)
                                        + " is not allowed"));
            }
            String host = request.getHeaders().get(HttpHeader.HOST);
            if (!origins.permitsHost(host)) {
                return reply(
                        response,
                        callback,
                        403,
                        JsonRpc.error(
                                null,
                                JsonRpc.SERVER_ERROR,
                                "Forbidden: host " + host + " is not allowed (see allowedHosts)"));
            }
            String method = request.getMethod();
            if (!method.equals("POST") && !method.equals("GET") && !method.equals("DELETE")) {
                response.getHeaders().put(HttpHeader.ALLOW, "GET, POST, DELETE");
                return reply(
                        response,
                        callback,
                        405,
                        JsonRpc.error(
                                null,
                                JsonRpc.SERVER_ERROR,
                                "Method not allowed: the MCP endpoint takes POST, GET and DELETE"));
            }
            Credentials credentials = credentials(request);
            Authenticator.AuthResult auth = authenticator.get().authenticate(credentials);
            if (method.equals("POST") && carriesModernHeaders(request)) {
                return post(request, response, callback, auth, credentials);
            }
            if (auth instanceof Authenticator.AuthResult.Refused refused) {
                return refuse(request, response, callback, credentials, refused);
            }
            AgentIdentity agent = ((Authenticator.AuthResult.Authenticated) auth).identity();
            switch (method) {
                case "POST":
                    return post(request, response, callback, auth, credentials);
                case "GET":
                    return get(request, response, callback, agent);
                default:
                    return delete(request, response, callback, agent);
            }
        } catch (RuntimeException e) {
            LOG.error(
                    "the MCP endpoint failed on {} {}",
                    request.getMethod(),
                    request.getHttpURI().getPath(),
                    e);
            if (!response.isCommitted()) {
                return reply(response, callback, 500, JsonRpc.error(null, JsonRpc.INTERNAL_ERROR, "Internal error"));
            }
            callback.failed(e);
            return true;
        }
    }

    private boolean refuse(
            Request request,
            Response response,
            Callback callback,
            Credentials credentials,
            Authenticator.AuthResult.Refused refused) {
        refusals.refused(
                credentials,
                Optional.ofNullable(request.getHeaders().get(SESSION_HEADER)).orElse("-"),
                request.getMethod(),
                refused.message());
        return unauthorized(request, response, callback, credentials, refused.message());
    }

    /** Whether the request names the 2026-07-28 era in its headers, so its body is checked against them first. */
    private static boolean carriesModernHeaders(Request request) {
        String version = request.getHeaders().get(VERSION_HEADER);
        return request.getHeaders().get(ModernProtocol.METHOD_HEADER) != null
                || request.getHeaders().get(ModernProtocol.NAME_HEADER) != null
                || (version != null && ModernProtocol.isModern(version.strip()));
    }

    private static ModernRequestCheck.Headers modernHeaders(Request request) {
        return new ModernRequestCheck.Headers(
                header(request, VERSION_HEADER),
                header(request, ModernProtocol.METHOD_HEADER),
                header(request, ModernProtocol.NAME_HEADER));
    }

    private static Optional<String> header(Request request, String name) {
        return Optional.ofNullable(request.getHeaders().get(name)).map(String::strip);
    }

    // ---- POST

    private boolean post(
            Request request,
            Response response,
            Callback callback,
            Authenticator.AuthResult auth,
            Credentials credentials) {
        String contentType = request.getHeaders().get(HttpHeader.CONTENT_TYPE);
        if (!MediaTypes.isJson(contentType)) {
            return reply(
                    response,
                    callback,
                    415,
                    JsonRpc.error(
                            null,
                            JsonRpc.SERVER_ERROR,
                            "Unsupported Media Type: POST bodies must be application/json"));
        }
        String accept = request.getHeaders().get(HttpHeader.ACCEPT);
        if (!MediaTypes.accepts(accept, MediaTypes.JSON) || !MediaTypes.accepts(accept, MediaTypes.EVENT_STREAM)) {
            return reply(
                    response,
                    callback,
                    406,
                    JsonRpc.error(
                            null,
                            JsonRpc.SERVER_ERROR,
                            "Not Acceptable: the Accept header must list both application/json and text/event-stream"));
        }
        long declared = request.getLength();
        if (declared > maxRequestBytes) {
            return tooLarge(response, callback);
        }
        Optional<String> body = readBody(request);
        if (body.isEmpty()) {
            return tooLarge(response, callback);
        }
        JsonNode parsed;
        try {
            parsed = Json.parse(body.get());
        } catch (JacksonException e) {
            return reply(response, callback, 400, JsonRpc.error(null, JsonRpc.PARSE_ERROR, "Parse error"));
        }
        if (parsed == null || parsed.isMissingNode()) {
            return reply(response, callback, 400, JsonRpc.error(null, JsonRpc.PARSE_ERROR, "Parse error: empty body"));
        }
        ModernRequestCheck.Outcome era = ModernRequestCheck.classify(parsed, modernHeaders(request));
        if (era instanceof ModernRequestCheck.Refused refused && refused.headerMismatch()) {
            Optional<AgentIdentity> who = auth instanceof Authenticator.AuthResult.Authenticated a
                    ? Optional.of(a.identity())
                    : Optional.empty();
            mismatches.refused(who, credentials, parsed, refused.reason());
            return reply(response, callback, refused.status(), refused.answer());
        }
        if (auth instanceof Authenticator.AuthResult.Refused refusedCredentials) {
            return refuse(request, response, callback, credentials, refusedCredentials);
        }
        AgentIdentity agent = ((Authenticator.AuthResult.Authenticated) auth).identity();
        if (era instanceof ModernRequestCheck.Refused refused) {
            return reply(response, callback, refused.status(), refused.answer());
        }
        if (era instanceof ModernRequestCheck.Modern checked) {
            return modern.handle(
                    request,
                    response,
                    callback,
                    agent,
                    credentials,
                    checked,
                    Optional.ofNullable(request.getHeaders().get(CONVERSATION_HEADER)));
        }
        List<JsonNode> messages = new ArrayList<>();
        boolean batch = parsed.isArray();
        if (batch) {
            if (parsed.isEmpty()) {
                return reply(
                        response,
                        callback,
                        400,
                        JsonRpc.error(null, JsonRpc.INVALID_REQUEST, "Invalid Request: empty batch"));
            }
            parsed.forEach(messages::add);
        } else {
            messages.add(parsed);
        }
        for (JsonNode message : messages) {
            if (JsonRpc.kind(message) == JsonRpc.Kind.INVALID) {
                return reply(
                        response,
                        callback,
                        400,
                        JsonRpc.error(
                                JsonRpc.idOf(message),
                                JsonRpc.INVALID_REQUEST,
                                "Invalid Request: not a JSON-RPC 2.0 request, notification or response"));
            }
        }
        boolean hasInitialize = messages.stream()
                .anyMatch(m ->
                        "initialize".equals(m.path("method").asString("")) && JsonRpc.kind(m) == JsonRpc.Kind.REQUEST);
        if (hasInitialize) {
            if (batch) {
                return reply(
                        response,
                        callback,
                        400,
                        JsonRpc.error(
                                null,
                                JsonRpc.INVALID_REQUEST,
                                "Invalid Request: initialize must not be part of a batch"));
            }
            return initialize(response, callback, agent, credentials, messages.get(0));
        }

        Optional<AgentSession> session = session(request, response, callback, agent);
        if (session.isEmpty()) {
            return true;
        }
        Optional<String> version = protocolVersion(request, response, callback, session.get());
        if (version.isEmpty()) {
            return true;
        }
        if (batch && !ProtocolVersions.allowsBatches(version.get())) {
            return reply(
                    response,
                    callback,
                    400,
                    JsonRpc.error(
                            null,
                            JsonRpc.INVALID_REQUEST,
                            "Invalid Request: JSON-RPC batches are not part of MCP " + version.get()));
        }
        session.get().presented(credentials);
        Optional<String> conversation = Optional.ofNullable(request.getHeaders().get(CONVERSATION_HEADER));

        List<JsonNode> requests = new ArrayList<>();
        for (JsonNode message : messages) {
            switch (JsonRpc.kind(message)) {
                case REQUEST -> requests.add(message);
                case NOTIFICATION -> gateway.notification(session.get(), message);
                default -> gateway.response(session.get(), message);
            }
        }
        if (requests.isEmpty()) {
            response.setStatus(202);
            callback.succeeded();
            return true;
        }
        if (!batch
                && McpGateway.streamsRelatedMessages(
                        requests.get(0).path("method").asString())) {
            return stream(request, response, callback, session.get(), requests.get(0), conversation);
        }
        RequestScope scope = new RequestScope(session.get().outbound(), conversation);
        if (!batch) {
            Optional<JsonNode> answer = gateway.handle(session.get(), requests.get(0), scope);
            if (answer.isEmpty()) {
                response.setStatus(202);
                callback.succeeded();
                return true;
            }
            return reply(response, callback, 200, answer.get());
        }
        ArrayNode answers = Json.MAPPER.createArrayNode();
        for (JsonNode message : requests) {
            gateway.handle(session.get(), message, scope).ifPresent(answers::add);
        }
        return reply(response, callback, 200, answers);
    }

    private boolean initialize(
            Response response, Callback callback, AgentIdentity agent, Credentials credentials, JsonNode message) {
        JsonNode params = message.path("params");
        if (!params.isObject()) {
            return reply(
                    response,
                    callback,
                    400,
                    JsonRpc.error(
                            message.get("id"),
                            JsonRpc.INVALID_PARAMS,
                            "initialize needs params with protocolVersion, capabilities and clientInfo"));
        }
        AgentSession session;
        try {
            session = sessions.open(
                    agent, credentials, "http", ProtocolVersions.ASSUMED_WITHOUT_HEADER, new HttpOutbox());
        } catch (SessionLimitException e) {
            LOG.warn("refused a new session: {}", e.getMessage());
            return reply(
                    response,
                    callback,
                    e.perAgent() ? 429 : 503,
                    JsonRpc.error(message.get("id"), JsonRpc.SERVER_ERROR, "Too many sessions: " + e.getMessage()));
        }
        JsonNode result = gateway.initialize(session, params);
        response.getHeaders().put(SESSION_HEADER, session.id());
        LOG.info("agent {} opened session over HTTP with protocol {}", agent.agentId(), session.protocolVersion());
        return reply(response, callback, 200, JsonRpc.result(message.get("id"), result));
    }

    private boolean stream(
            Request request,
            Response response,
            Callback callback,
            AgentSession session,
            JsonNode message,
            Optional<String> conversation) {
        SseStream stream = SseStream.open(response, callback, session.id());
        request.addFailureListener(stream::abort);
        openStreams.add(stream);
        try {
            Optional<JsonNode> answer = gateway.handle(session, message, new RequestScope(stream, conversation));
            answer.ifPresent(stream::send);
        } finally {
            openStreams.remove(stream);
            stream.close();
        }
        return true;
    }

    // ---- GET

    private boolean get(Request request, Response response, Callback callback, AgentIdentity agent) {
        if (!MediaTypes.accepts(request.getHeaders().get(HttpHeader.ACCEPT), MediaTypes.EVENT_STREAM)) {
            return reply(
                    response,
                    callback,
                    406,
                    JsonRpc.error(
                            null,
                            JsonRpc.SERVER_ERROR,
                            "Not Acceptable: GET opens an SSE stream; the Accept header must list text/event-stream"));
        }
        Optional<AgentSession> session = session(request, response, callback, agent);
        if (session.isEmpty()) {
            return true;
        }
        if (protocolVersion(request, response, callback, session.get()).isEmpty()) {
            return true;
        }
        HttpOutbox outbox = (HttpOutbox) session.get().outbound();
        SseStream stream = SseStream.open(response, callback, session.get().id());
        request.addFailureListener(cause -> {
            stream.abort(cause);
            outbox.detach(stream);
            openStreams.remove(stream);
            listening.remove(stream);
        });
        openStreams.add(stream);
        listening.put(stream, session.get().id());
        outbox.attach(stream);
        return true;
    }

    // ---- DELETE

    private boolean delete(Request request, Response response, Callback callback, AgentIdentity agent) {
        Optional<AgentSession> session = session(request, response, callback, agent);
        if (session.isEmpty()) {
            return true;
        }
        if (protocolVersion(request, response, callback, session.get()).isEmpty()) {
            return true;
        }
        sessions.end(session.get().id(), SessionEndReason.CLIENT_CLOSED);
        LOG.info("agent {} ended its session", agent.agentId());
        response.setStatus(200);
        callback.succeeded();
        return true;
    }

    // ---- shared checks

    /** The session the request names, or an error reply already sent (400 when absent, 404 when unknown). */
    private Optional<AgentSession> session(Request request, Response response, Callback callback, AgentIdentity agent) {
        String id = request.getHeaders().get(SESSION_HEADER);
        if (id == null || id.isBlank()) {
            reply(
                    response,
                    callback,
                    400,
                    JsonRpc.error(
                            null,
                            JsonRpc.SERVER_ERROR,
                            "Bad Request: Mcp-Session-Id header is required; send initialize first"));
            return Optional.empty();
        }
        Optional<AgentSession> session =
                sessions.find(id.trim()).filter(s -> s.agent().agentId().equals(agent.agentId()));
        if (session.isEmpty()) {
            reply(
                    response,
                    callback,
                    404,
                    JsonRpc.error(
                            null,
                            JsonRpc.SESSION_NOT_FOUND,
                            "Session not found: it ended or never existed; send initialize to start a new one"));
        }
        return session;
    }

    /** The protocol version in force: the header when present (400 if unsupported), else the negotiated one. */
    private Optional<String> protocolVersion(
            Request request, Response response, Callback callback, AgentSession session) {
        String header = request.getHeaders().get(VERSION_HEADER);
        if (header == null) {
            return Optional.of(session.protocolVersion());
        }
        if (!ProtocolVersions.isSupported(header.trim())) {
            reply(
                    response,
                    callback,
                    400,
                    JsonRpc.error(
                            null,
                            JsonRpc.SERVER_ERROR,
                            "Bad Request: unsupported MCP-Protocol-Version " + header + "; supported: "
                                    + String.join(", ", ProtocolVersions.SUPPORTED)));
            return Optional.empty();
        }
        return Optional.of(header.trim());
    }

    /** The agent's bearer credential, and its end user's token when the agent forwards one. */
    private Credentials credentials(Request request) {
        Optional<String> bearer = Optional.empty();
        String authorization = request.getHeaders().get(HttpHeader.AUTHORIZATION);
        if (authorization != null) {
            String value = authorization.trim();
            if (value.length() > 7 && value.regionMatches(true, 0, "Bearer ", 0, 7)) {
                bearer = Optional.of(value.substring(7).trim()).filter(t -> !t.isEmpty());
            }
        }
        Optional<String> userToken = Optional.ofNullable(request.getHeaders().get(userTokenHeader))
                .map(String::trim)
                .filter(t -> !t.isEmpty());
        return new Credentials(bearer, userToken);
    }

    private boolean unauthorized(
            Request request, Response response, Callback callback, Credentials presented, String message) {
        HttpURI uri = request.getHttpURI();
        String base = uri.getScheme() + "://" + uri.getAuthority();
        response.getHeaders().put(HttpHeader.WWW_AUTHENTICATE, BearerChallenge.forRefusal(base, presented, message));
        return reply(response, callback, 401, JsonRpc.error(null, JsonRpc.SERVER_ERROR, "Unauthorized: " + message));
    }

    private boolean tooLarge(Response response, Callback callback) {
        return reply(
                response,
                callback,
                413,
                JsonRpc.error(
                        null,
                        JsonRpc.INVALID_REQUEST,
                        "Request body exceeds the limit of " + maxRequestBytes + " bytes"));
    }

    /** The body as UTF-8, or empty when it exceeds the limit (reading stops there). */
    private Optional<String> readBody(Request request) {
        try (InputStream in = Content.Source.asInputStream(request)) {
            byte[] bytes = in.readNBytes((int) Math.min(Integer.MAX_VALUE - 8, maxRequestBytes + 1));
            if (bytes.length > maxRequestBytes) {
                return Optional.empty();
            }
            return Optional.of(new String(bytes, StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new IllegalStateException("could not read the request body", e);
        }
    }

    static boolean reply(Response response, Callback callback, int status, JsonNode body) {
        response.setStatus(status);
        response.getHeaders().put(HttpHeader.CONTENT_TYPE, MediaTypes.JSON);
        Content.Sink.write(response, true, Json.write(body), callback);
        return true;
    }
}
