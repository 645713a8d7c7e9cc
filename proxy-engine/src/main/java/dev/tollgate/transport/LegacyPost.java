package dev.tollgate.transport;

import dev.tollgate.gateway.JsonRpc;
import dev.tollgate.gateway.McpGateway;
import dev.tollgate.gateway.ProtocolVersions;
import dev.tollgate.gateway.RequestScope;
import dev.tollgate.identity.AgentIdentity;
import dev.tollgate.identity.Credentials;
import dev.tollgate.json.Json;
import dev.tollgate.session.AgentSession;
import dev.tollgate.session.SessionLimitException;
import dev.tollgate.session.SessionRegistry;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.NullNode;

/**
 * One POST in the 2025 era, after its body parsed: initialize opens a session; anything else needs the session
 * and a supported protocol version, then each message goes to the gateway (batches only under 2025-03-26). A
 * request whose answer may come with related messages (progress, server-to-agent requests) is answered as an
 * SSE stream once such a message comes, or once it has run for a while. Errors about a single request carry its
 * id; a batch's carry JSON null.
 */
final class LegacyPost {
    private static final Logger LOG = LoggerFactory.getLogger(LegacyPost.class);

    private final McpGateway gateway;
    private final SessionRegistry sessions;
    private final SessionRequests sessionRules;
    private final Set<SseStream> openStreams;
    private final Set<DeferredAnswer> waiting = ConcurrentHashMap.newKeySet();

    LegacyPost(McpGateway gateway, SessionRegistry sessions, SessionRequests sessionRules, Set<SseStream> openStreams) {
        this.gateway = gateway;
        this.sessions = sessions;
        this.sessionRules = sessionRules;
        this.openStreams = openStreams;
    }

    boolean handle(
            Request request,
            Response response,
            Callback callback,
            AgentIdentity agent,
            Credentials credentials,
            JsonNode parsed) {
        List<JsonNode> messages = new ArrayList<>();
        boolean batch = parsed.isArray();
        if (batch) {
            if (parsed.isEmpty()) {
                return HttpReplies.error(
                        response, callback, 400, null, JsonRpc.INVALID_REQUEST, "Invalid Request: empty batch");
            }
            parsed.forEach(messages::add);
        } else {
            messages.add(parsed);
        }
        for (JsonNode message : messages) {
            if (JsonRpc.kind(message) == JsonRpc.Kind.INVALID) {
                return HttpReplies.error(
                        response,
                        callback,
                        400,
                        JsonRpc.idOf(message),
                        JsonRpc.INVALID_REQUEST,
                        "Invalid Request: not a JSON-RPC 2.0 request, notification or response");
            }
        }
        boolean hasInitialize = messages.stream()
                .anyMatch(m ->
                        "initialize".equals(m.path("method").asString("")) && JsonRpc.kind(m) == JsonRpc.Kind.REQUEST);
        if (hasInitialize) {
            if (batch) {
                return HttpReplies.error(
                        response,
                        callback,
                        400,
                        null,
                        JsonRpc.INVALID_REQUEST,
                        "Invalid Request: initialize must not be part of a batch");
            }
            return initialize(response, callback, agent, credentials, messages.get(0));
        }
        JsonNode requestId = batch ? NullNode.getInstance() : JsonRpc.idOf(parsed);
        Optional<AgentSession> session = sessionRules.session(request, response, callback, agent, requestId);
        if (session.isEmpty()) {
            return true;
        }
        Optional<String> version = sessionRules.protocolVersion(request, response, callback, session.get(), requestId);
        if (version.isEmpty()) {
            return true;
        }
        if (batch && !ProtocolVersions.allowsBatches(version.get())) {
            return HttpReplies.error(
                    response,
                    callback,
                    400,
                    null,
                    JsonRpc.INVALID_REQUEST,
                    "Invalid Request: JSON-RPC batches are not part of MCP " + version.get());
        }
        session.get().presented(credentials);
        Optional<String> conversation = Optional.ofNullable(request.getHeaders().get(HttpReplies.CONVERSATION_HEADER));

        List<JsonNode> requests = new ArrayList<>();
        for (JsonNode message : messages) {
            switch (JsonRpc.kind(message)) {
                case REQUEST -> requests.add(message);
                case NOTIFICATION -> gateway.notification(session.get(), message);
                default -> gateway.response(session.get(), message);
            }
        }
        if (requests.isEmpty()) {
            return HttpReplies.accepted(response, callback);
        }
        if (!batch
                && McpGateway.streamsRelatedMessages(
                        requests.get(0).path("method").asString())) {
            return stream(request, response, callback, session.get(), version.get(), requests.get(0), conversation);
        }
        RequestScope scope =
                new RequestScope(session.get().outbound(), conversation, McpHttpHandler.admission(request));
        if (!batch) {
            Optional<JsonNode> answer = gateway.handle(session.get(), requests.get(0), scope);
            if (answer.isEmpty()) {
                return HttpReplies.accepted(response, callback);
            }
            return HttpReplies.reply(response, callback, 200, answer.get());
        }
        ArrayNode answers = Json.MAPPER.createArrayNode();
        for (JsonNode message : requests) {
            gateway.handle(session.get(), message, scope).ifPresent(answers::add);
        }
        return HttpReplies.reply(response, callback, 200, answers);
    }

    private boolean initialize(
            Response response, Callback callback, AgentIdentity agent, Credentials credentials, JsonNode message) {
        JsonNode params = message.path("params");
        if (!params.isObject()) {
            return HttpReplies.error(
                    response,
                    callback,
                    400,
                    message.get("id"),
                    JsonRpc.INVALID_PARAMS,
                    "initialize needs params with protocolVersion, capabilities and clientInfo");
        }
        AgentSession session;
        try {
            session = sessions.open(
                    agent, credentials, "http", ProtocolVersions.ASSUMED_WITHOUT_HEADER, new HttpOutbox());
        } catch (SessionLimitException e) {
            LOG.warn("refused a new session: {}", e.getMessage());
            return HttpReplies.error(
                    response,
                    callback,
                    e.perAgent() ? 429 : 503,
                    message.get("id"),
                    JsonRpc.SERVER_ERROR,
                    "Too many sessions: " + e.getMessage());
        }
        JsonNode result = gateway.initialize(session, params);
        response.getHeaders().put(HttpReplies.SESSION_HEADER, session.id());
        LOG.info("agent {} opened session over HTTP with protocol {}", agent.agentId(), session.protocolVersion());
        return HttpReplies.reply(response, callback, 200, JsonRpc.result(message.get("id"), result));
    }

    /**
     * Answers one request that may come with related messages: as JSON when the answer comes first and soon, else on
     * a resumable SSE stream (see {@link DeferredAnswer}). When the agent's connection drops during a stream, the
     * call goes on and the rest waits for a GET with {@code Last-Event-ID}.
     */
    private boolean stream(
            Request request,
            Response response,
            Callback callback,
            AgentSession session,
            String version,
            JsonNode message,
            Optional<String> conversation) {
        DeferredAnswer deferred = new DeferredAnswer(
                request,
                response,
                callback,
                session.id(),
                (HttpOutbox) session.outbound(),
                ResumableStream.primes(version),
                openStreams);
        waiting.add(deferred);
        try {
            deferred.answer(gateway.handle(
                    session, message, new RequestScope(deferred, conversation, McpHttpHandler.admission(request))));
        } finally {
            waiting.remove(deferred);
            deferred.done();
        }
        return true;
    }

    /** Turns the responses of requests running for a while into streams; the server calls this often. */
    void streamSlowAnswers() {
        long now = System.nanoTime();
        waiting.forEach(answer -> answer.streamIfSlow(now));
    }
}
