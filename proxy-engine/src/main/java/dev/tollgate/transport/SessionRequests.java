package dev.tollgate.transport;

import dev.tollgate.gateway.JsonRpc;
import dev.tollgate.gateway.ProtocolVersions;
import dev.tollgate.identity.AgentIdentity;
import dev.tollgate.session.AgentSession;
import dev.tollgate.session.SessionEndReason;
import dev.tollgate.session.SessionRegistry;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import tools.jackson.databind.JsonNode;

/**
 * The 2025-era session rules: which session a request names (400 without one, 404 for an unknown one), the
 * protocol version in force, and the GET (the session's stream) and DELETE (end the session) requests. Errors
 * carry the request's JSON-RPC id when the caller knows it.
 */
final class SessionRequests {
    private static final Logger LOG = LoggerFactory.getLogger(SessionRequests.class);

    private final SessionRegistry sessions;
    private final Set<SseStream> openStreams;
    private final Map<SseStream, String> listening;

    SessionRequests(SessionRegistry sessions, Set<SseStream> openStreams, Map<SseStream, String> listening) {
        this.sessions = sessions;
        this.openStreams = openStreams;
        this.listening = listening;
    }

    /** The session the request names, or an error reply already sent (400 when absent, 404 when unknown). */
    Optional<AgentSession> session(
            Request request, Response response, Callback callback, AgentIdentity agent, JsonNode requestId) {
        String id = request.getHeaders().get(HttpReplies.SESSION_HEADER);
        if (id == null || id.isBlank()) {
            HttpReplies.error(
                    response,
                    callback,
                    400,
                    requestId,
                    JsonRpc.SERVER_ERROR,
                    "Bad Request: Mcp-Session-Id header is required; send initialize first");
            return Optional.empty();
        }
        Optional<AgentSession> session =
                sessions.find(id.trim()).filter(s -> s.agent().agentId().equals(agent.agentId()));
        if (session.isEmpty()) {
            HttpReplies.error(
                    response,
                    callback,
                    404,
                    requestId,
                    JsonRpc.SESSION_NOT_FOUND,
                    "Session not found: it ended or never existed; send initialize to start a new one");
        }
        return session;
    }

    /** The protocol version in force: the header when present (400 if unsupported), else the negotiated one. */
    Optional<String> protocolVersion(
            Request request, Response response, Callback callback, AgentSession session, JsonNode requestId) {
        String header = request.getHeaders().get(HttpReplies.VERSION_HEADER);
        if (header == null) {
            return Optional.of(session.protocolVersion());
        }
        if (!ProtocolVersions.isSupported(header.trim())) {
            HttpReplies.error(
                    response,
                    callback,
                    400,
                    requestId,
                    JsonRpc.SERVER_ERROR,
                    "Bad Request: unsupported MCP-Protocol-Version " + header + "; supported: "
                            + String.join(", ", ProtocolVersions.SUPPORTED));
            return Optional.empty();
        }
        return Optional.of(header.trim());
    }

    /**
     * GET: opens the session's stream of messages the agent did not ask for, or, with {@code Last-Event-ID},
     * continues the stream that event belonged to (a POST's answer included) after it.
     */
    boolean get(Request request, Response response, Callback callback, AgentIdentity agent) {
        if (!MediaTypes.accepts(request.getHeaders().get(HttpHeader.ACCEPT), MediaTypes.EVENT_STREAM)) {
            return HttpReplies.error(
                    response,
                    callback,
                    406,
                    null,
                    JsonRpc.SERVER_ERROR,
                    "Not Acceptable: GET opens an SSE stream; the Accept header must list text/event-stream");
        }
        Optional<AgentSession> session = session(request, response, callback, agent, null);
        if (session.isEmpty()) {
            return true;
        }
        Optional<String> version = protocolVersion(request, response, callback, session.get(), null);
        if (version.isEmpty()) {
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
        boolean prime = ResumableStream.primes(version.get());
        Optional<String> lastEventId = HttpReplies.header(request, HttpReplies.LAST_EVENT_ID_HEADER);
        if (lastEventId.isPresent()) {
            outbox.resume(stream, lastEventId.get(), prime);
        } else {
            outbox.attach(stream, prime);
        }
        return true;
    }

    /** DELETE: ends the session. */
    boolean delete(Request request, Response response, Callback callback, AgentIdentity agent) {
        Optional<AgentSession> session = session(request, response, callback, agent, null);
        if (session.isEmpty()) {
            return true;
        }
        if (protocolVersion(request, response, callback, session.get(), null).isEmpty()) {
            return true;
        }
        sessions.end(session.get().id(), SessionEndReason.CLIENT_CLOSED);
        LOG.info("agent {} ended its session", agent.agentId());
        response.setStatus(200);
        callback.succeeded();
        return true;
    }
}
