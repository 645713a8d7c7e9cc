package dev.tollgate.transport;

import dev.tollgate.gateway.JsonRpc;
import dev.tollgate.gateway.McpGateway;
import dev.tollgate.gateway.ModernProtocol;
import dev.tollgate.identity.AgentIdentity;
import dev.tollgate.identity.Authenticator;
import dev.tollgate.identity.BearerChallenge;
import dev.tollgate.identity.Credentials;
import dev.tollgate.json.Json;
import dev.tollgate.pipeline.Admission;
import dev.tollgate.session.SessionRegistry;
import java.time.Clock;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;
import java.util.regex.Pattern;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.http.HttpURI;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;

/**
 * The MCP Streamable HTTP endpoint. In the 2025 era (2025-03-26, 2025-06-18, 2025-11-25) POST carries messages
 * ({@link LegacyPost}), GET opens the session's server-to-agent stream and DELETE ends the session
 * ({@link SessionRequests}). Beside it, on the same endpoint, the stateless 2026-07-28 revision: a POST whose body
 * claims it ({@link ModernRequestCheck}) stands alone ({@link ModernPost}); GET and DELETE naming that revision are
 * 405, as it has neither. Every request is checked in the order Origin (403), credentials (401), then the method's
 * own rules, before the gateway sees a message; only a 2026-07-28 request whose headers disagree with its body is
 * refused (400) before its credentials count, and put on the record.
 */
public final class McpHttpHandler extends Handler.Abstract {
    private static final Logger LOG = LoggerFactory.getLogger(McpHttpHandler.class);
    private static final long KEEP_ALIVE_NANOS = 15_000_000_000L;
    private static final String ADMISSION = Admission.class.getName();
    private static final Pattern REVISION_DATE = Pattern.compile("\\d{4}-\\d{2}-\\d{2}");

    private final SessionRegistry sessions;
    private final Supplier<Authenticator> authenticator;
    private final OriginPolicy origins;
    private final long maxRequestBytes;
    private final String userTokenHeader;
    private final Set<SseStream> openStreams = ConcurrentHashMap.newKeySet();
    /** The open GET streams and their sessions: an agent listening on one is not idle. */
    private final Map<SseStream, String> listening = new ConcurrentHashMap<>();

    private final ModernPost modern;
    private final LegacyPost legacy;
    private final SessionRequests sessionRequests;

    private volatile RefusalListener refusals = RefusalListener.NONE;
    private volatile MismatchListener mismatches = MismatchListener.NONE;

    public McpHttpHandler(
            McpGateway gateway,
            SessionRegistry sessions,
            Supplier<Authenticator> authenticator,
            OriginPolicy origins,
            long maxRequestBytes,
            String userTokenHeader) {
        this.sessions = sessions;
        this.authenticator = authenticator;
        this.origins = origins;
        this.maxRequestBytes = maxRequestBytes;
        this.userTokenHeader = userTokenHeader;
        this.modern = new ModernPost(gateway, openStreams, Clock.systemUTC());
        this.sessionRequests = new SessionRequests(sessions, openStreams, listening);
        this.legacy = new LegacyPost(gateway, sessions, sessionRequests, openStreams);
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

    /** Commits the answers of 2025-era requests running for a while as streams; the server calls this often. */
    void streamSlowAnswers() {
        legacy.streamSlowAnswers();
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
                return HttpReplies.error(
                        response,
                        callback,
                        403,
                        null,
                        JsonRpc.SERVER_ERROR,
                        "Forbidden: origin " + request.getHeaders().get(HttpHeader.ORIGIN) + " is not allowed");
            }
            String host = request.getHeaders().get(HttpHeader.HOST);
            if (!origins.permitsHost(host)) {
                return HttpReplies.error(
                        response,
                        callback,
                        403,
                        null,
                        JsonRpc.SERVER_ERROR,
                        "Forbidden: host " + host + " is not allowed (see allowedHosts)");
            }
            String method = request.getMethod();
            if (!method.equals("POST") && !method.equals("GET") && !method.equals("DELETE")) {
                response.getHeaders().put(HttpHeader.ALLOW, "GET, POST, DELETE");
                return HttpReplies.error(
                        response,
                        callback,
                        405,
                        null,
                        JsonRpc.SERVER_ERROR,
                        "Method not allowed: the MCP endpoint takes POST, GET and DELETE");
            }
            if (!method.equals("POST") && namesModernRevision(request)) {
                return notInModernRevision(response, callback, method);
            }
            Credentials credentials = credentials(request);
            Authenticator current = authenticator.get();
            Authenticator.AuthResult auth = current.authenticate(credentials);
            if (auth instanceof Authenticator.AuthResult.Authenticated admitted) {
                // The request's calls reuse this identity instead of authenticating again (Admission).
                request.setAttribute(ADMISSION, new Admission(current, admitted.identity()));
            }
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
                    return sessionRequests.get(request, response, callback, agent);
                default:
                    return sessionRequests.delete(request, response, callback, agent);
            }
        } catch (RuntimeException e) {
            LOG.error(
                    "the MCP endpoint failed on {} {}",
                    request.getMethod(),
                    request.getHttpURI().getPath(),
                    e);
            if (!response.isCommitted()) {
                return HttpReplies.error(response, callback, 500, null, JsonRpc.INTERNAL_ERROR, "Internal error");
            }
            callback.failed(e);
            return true;
        }
    }

    /**
     * GET or DELETE naming 2026-07-28: that revision has no session to end and no stream to open (notifications
     * come on the response to a POSTed {@code subscriptions/listen}), so, as it says, 405.
     */
    private static boolean notInModernRevision(Response response, Callback callback, String method) {
        response.getHeaders().put(HttpHeader.ALLOW, "POST");
        String why = method.equals("GET")
                ? "MCP " + ModernProtocol.VERSION + " has no GET stream; POST subscriptions/listen to receive"
                        + " notifications"
                : "MCP " + ModernProtocol.VERSION + " has no sessions to end";
        return HttpReplies.error(response, callback, 405, null, JsonRpc.SERVER_ERROR, "Method Not Allowed: " + why);
    }

    private boolean refuse(
            Request request,
            Response response,
            Callback callback,
            Credentials credentials,
            Authenticator.AuthResult.Refused refused) {
        refusals.refused(
                credentials,
                Optional.ofNullable(request.getHeaders().get(HttpReplies.SESSION_HEADER))
                        .orElse("-"),
                request.getMethod(),
                refused.message());
        return unauthorized(request, response, callback, credentials, refused.message());
    }

    /** Whether the version header names a dated revision from 2026-07-28 on (not just any later-sorting text). */
    private static boolean namesModernRevision(Request request) {
        return HttpReplies.header(request, HttpReplies.VERSION_HEADER)
                .filter(v -> REVISION_DATE.matcher(v).matches())
                .map(ModernProtocol::isModern)
                .orElse(false);
    }

    private static boolean namesModernVersion(Request request) {
        return HttpReplies.header(request, HttpReplies.VERSION_HEADER)
                .map(ModernProtocol::isModern)
                .orElse(false);
    }

    /** Whether the request names the 2026-07-28 era in its headers, so its body is checked against them first. */
    private static boolean carriesModernHeaders(Request request) {
        return request.getHeaders().get(ModernProtocol.METHOD_HEADER) != null
                || request.getHeaders().get(ModernProtocol.NAME_HEADER) != null
                || namesModernVersion(request);
    }

    private static ModernRequestCheck.Headers modernHeaders(Request request) {
        return new ModernRequestCheck.Headers(
                HttpReplies.header(request, HttpReplies.VERSION_HEADER),
                HttpReplies.header(request, ModernProtocol.METHOD_HEADER),
                HttpReplies.header(request, ModernProtocol.NAME_HEADER));
    }

    // ---- POST

    /**
     * The checks every POST shares (media types, size, JSON), then the era: a 2026-07-28 request whose headers
     * disagree with its body is refused before its credentials count; otherwise refused credentials are 401.
     */
    private boolean post(
            Request request,
            Response response,
            Callback callback,
            Authenticator.AuthResult auth,
            Credentials credentials) {
        String contentType = request.getHeaders().get(HttpHeader.CONTENT_TYPE);
        if (!MediaTypes.isJson(contentType)) {
            return HttpReplies.error(
                    response,
                    callback,
                    415,
                    null,
                    JsonRpc.SERVER_ERROR,
                    "Unsupported Media Type: POST bodies must be application/json");
        }
        String accept = request.getHeaders().get(HttpHeader.ACCEPT);
        if (!MediaTypes.accepts(accept, MediaTypes.JSON) || !MediaTypes.accepts(accept, MediaTypes.EVENT_STREAM)) {
            return HttpReplies.error(
                    response,
                    callback,
                    406,
                    null,
                    JsonRpc.SERVER_ERROR,
                    "Not Acceptable: the Accept header must list both application/json and text/event-stream");
        }
        if (request.getLength() > maxRequestBytes) {
            return HttpReplies.tooLarge(response, callback, maxRequestBytes);
        }
        Optional<String> body = HttpReplies.readBody(request, maxRequestBytes);
        if (body.isEmpty()) {
            return HttpReplies.tooLarge(response, callback, maxRequestBytes);
        }
        JsonNode parsed;
        try {
            parsed = Json.parse(body.get());
        } catch (JacksonException e) {
            return HttpReplies.error(response, callback, 400, null, JsonRpc.PARSE_ERROR, "Parse error");
        }
        if (parsed == null || parsed.isMissingNode()) {
            return HttpReplies.error(response, callback, 400, null, JsonRpc.PARSE_ERROR, "Parse error: empty body");
        }
        ModernRequestCheck.Outcome era = ModernRequestCheck.classify(parsed, modernHeaders(request));
        if (era instanceof ModernRequestCheck.Refused refused && refused.headerMismatch()) {
            Optional<AgentIdentity> who = auth instanceof Authenticator.AuthResult.Authenticated a
                    ? Optional.of(a.identity())
                    : Optional.empty();
            mismatches.refused(who, credentials, parsed, refused.reason());
            return HttpReplies.reply(response, callback, refused.status(), refused.answer());
        }
        if (auth instanceof Authenticator.AuthResult.Refused refusedCredentials) {
            return refuse(request, response, callback, credentials, refusedCredentials);
        }
        AgentIdentity agent = ((Authenticator.AuthResult.Authenticated) auth).identity();
        if (era instanceof ModernRequestCheck.Refused refused) {
            return HttpReplies.reply(response, callback, refused.status(), refused.answer());
        }
        if (era instanceof ModernRequestCheck.Modern checked) {
            return modern.handle(
                    request,
                    response,
                    callback,
                    agent,
                    credentials,
                    checked,
                    Optional.ofNullable(request.getHeaders().get(HttpReplies.CONVERSATION_HEADER)));
        }
        return legacy.handle(request, response, callback, agent, credentials, parsed);
    }

    // ---- shared checks

    /** The agent's bearer credential, and its end user's token when the agent forwards one. */
    /** The identity this request was admitted with, if it was. */
    static Optional<Admission> admission(Request request) {
        return Optional.ofNullable((Admission) request.getAttribute(ADMISSION));
    }

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
        return HttpReplies.error(response, callback, 401, null, JsonRpc.SERVER_ERROR, "Unauthorized: " + message);
    }
}
