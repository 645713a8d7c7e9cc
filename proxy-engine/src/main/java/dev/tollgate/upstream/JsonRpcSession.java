package dev.tollgate.upstream;

import dev.tollgate.json.Json;
import dev.tollgate.logging.RateLimitedWarnings;
import dev.tollgate.pipeline.AgentChannel;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * The JSON-RPC bookkeeping one upstream connection needs, independent of the wire.
 *
 * <p>How ids flow: every request Tollgate sends upstream gets a fresh numeric id from this session's
 * counter (never an agent's id), so many agent sessions can share one upstream connection without
 * collisions; the answer is matched back by that id and only the result or error leaves this class.
 * Requests the upstream sends to Tollgate (sampling, elicitation, roots, ping) keep the upstream's own id:
 * they are handed as-is to the related request's {@link AgentChannel} or to the unsolicited listeners,
 * and whoever relays them to an agent must give the agent's answer back to
 * {@link UpstreamConnection#respond} carrying that same upstream id.
 */
final class JsonRpcSession {
    private static final Logger LOG = LoggerFactory.getLogger(JsonRpcSession.class);
    private static final RateLimitedWarnings WARNINGS = new RateLimitedWarnings(LOG);

    /** A request of ours waiting for its answer, and where messages about it go meanwhile. */
    record Pending(
            long id,
            String method,
            CompletableFuture<JsonNode> answer,
            AgentChannel related,
            Optional<JsonNode> progressToken) {

        /** The response once the upstream's answer has ended: its result, or why there is none. */
        JsonNode outcome(String server) throws UpstreamException {
            if (!answer.isDone()) {
                throw new UpstreamException(
                        "upstream '" + server + "' ended its answer to " + method + " without a JSON-RPC response",
                        false,
                        null);
            }
            try {
                return answer.join();
            } catch (CompletionException e) {
                throw new UpstreamException(
                        "upstream '" + server + "' failed: " + e.getCause().getMessage(), false, e);
            }
        }
    }

    private final String server;
    private final AtomicLong ids = new AtomicLong();
    private final Map<Long, Pending> pending = new ConcurrentHashMap<>();
    private final List<Consumer<JsonNode>> unsolicited = new CopyOnWriteArrayList<>();

    private final boolean attributeLoneRequests;
    private final Consumer<JsonNode> replies;

    /**
     * @param attributeLoneRequests whether a server-to-client request arriving while exactly one request of ours
     *        is in flight belongs to that request (stdio, where nothing else ties them together)
     * @param replies sends messages Tollgate answers itself (the upstream's pings)
     */
    JsonRpcSession(String server, boolean attributeLoneRequests, Consumer<JsonNode> replies) {
        this.server = server;
        this.attributeLoneRequests = attributeLoneRequests;
        this.replies = replies;
    }

    /** Registers a new outgoing request and returns it with its id; the message is built by {@link #requestMessage}. */
    Pending begin(String method, JsonNode params, AgentChannel related) {
        long id = ids.incrementAndGet();
        Optional<JsonNode> token = Optional.ofNullable(params)
                .map(p -> p.path("_meta").get("progressToken"))
                .filter(t -> !t.isNull() && !t.isMissingNode());
        Pending p = new Pending(id, method, new CompletableFuture<>(), related, token);
        pending.put(id, p);
        return p;
    }

    /** Stops tracking a request (answered, timed out or abandoned). */
    void end(Pending p) {
        pending.remove(p.id());
    }

    static ObjectNode requestMessage(long id, String method, JsonNode params) {
        ObjectNode message = Json.object();
        message.put("jsonrpc", "2.0");
        message.put("id", id);
        message.put("method", method);
        if (params != null && !params.isNull() && !params.isMissingNode()) {
            message.set("params", params);
        }
        return message;
    }

    static ObjectNode notificationMessage(String method, JsonNode params) {
        ObjectNode message = Json.object();
        message.put("jsonrpc", "2.0");
        message.put("method", method);
        if (params != null && !params.isNull() && !params.isMissingNode()) {
            message.set("params", params);
        }
        return message;
    }

    /** The {@code notifications/cancelled} that tells the upstream to stop working on our request {@code id}. */
    static ObjectNode cancelledMessage(long id, String reason) {
        ObjectNode params = Json.object();
        params.put("requestId", id);
        params.put("reason", reason);
        return notificationMessage("notifications/cancelled", params);
    }

    /** The {@code notifications/cancelled} passing the agent's cancellation on to our request {@code id}. */
    static ObjectNode agentCancelledMessage(long id, String reason) {
        return cancelledMessage(id, "cancelled by the agent: " + reason);
    }

    /** Why a request ended when the agent cancelled the call it served. */
    UpstreamException cancelledByAgent(Pending p, String reason) {
        return new UpstreamException(
                "the agent cancelled " + p.method() + " to upstream '" + server + "': " + reason, false, null);
    }

    static boolean isResponse(JsonNode message) {
        return message.has("id") && !message.has("method") && (message.has("result") || message.has("error"));
    }

    void onUnsolicited(Consumer<JsonNode> listener) {
        unsolicited.add(listener);
    }

    /**
     * Routes one message from the upstream. Responses complete our pending requests; anything else goes to
     * {@code related} when the wire tied it to a request (an HTTP POST's SSE stream), else to the request
     * whose progress token it names, else to the unsolicited listeners.
     */
    void dispatch(JsonNode message, Optional<AgentChannel> related) {
        if (isResponse(message)) {
            JsonNode id = message.get("id");
            Pending p = id.canConvertToLong() ? pending.get(id.asLong()) : null;
            if (p == null) {
                LOG.debug("upstream '{}' answered unknown or abandoned request id {}", server, id);
                return;
            }
            p.answer().complete(message);
            return;
        }
        if (!message.has("method")) {
            WARNINGS.warn(
                    "not-json-rpc " + server,
                    "upstream '{}' sent a message that is neither request, " + "notification nor response",
                    server);
            return;
        }
        if ("ping".equals(message.path("method").asString()) && message.has("id")) {
            ObjectNode pong = Json.object();
            pong.put("jsonrpc", "2.0");
            pong.set("id", message.get("id"));
            pong.putObject("result");
            replies.accept(pong);
            return;
        }
        if (related.isPresent()) {
            send(related.get(), message);
            return;
        }
        if ("notifications/progress".equals(message.path("method").asString())) {
            JsonNode token = message.path("params").path("progressToken");
            for (Pending p : pending.values()) {
                if (p.progressToken().isPresent() && p.progressToken().get().equals(token)) {
                    send(p.related(), message);
                    return;
                }
            }
        }
        if (attributeLoneRequests && message.has("id") && pending.size() == 1) {
            // One request in flight: a server-to-client request (sampling, elicitation) can only be about it.
            send(pending.values().iterator().next().related(), message);
            return;
        }
        for (Consumer<JsonNode> listener : unsolicited) {
            try {
                listener.accept(message);
            } catch (RuntimeException e) {
                LOG.warn("listener for upstream '{}' messages failed", server, e);
            }
        }
    }

    private void send(AgentChannel channel, JsonNode message) {
        try {
            channel.send(message);
        } catch (RuntimeException e) {
            LOG.warn("could not relay a message from upstream '{}' to the agent", server, e);
        }
    }

    /** Fails every request in flight, e.g. because the process died or the connection closed. */
    void failAll(String reason) {
        for (Pending p : pending.values()) {
            p.answer().completeExceptionally(new UpstreamException(reason, false, null));
        }
        pending.clear();
    }

    int inFlight() {
        return pending.size();
    }

    /** Turns an answer message into the response record. */
    static UpstreamResponse toResponse(JsonNode message) {
        if (message.has("error")) {
            return UpstreamResponse.ofError(message.get("error"));
        }
        return UpstreamResponse.ofResult(message.get("result"));
    }
}
