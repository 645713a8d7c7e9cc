package dev.tollgate.transport;

import dev.tollgate.gateway.JsonRpc;
import dev.tollgate.gateway.McpGateway;
import dev.tollgate.gateway.ModernGateway;
import dev.tollgate.gateway.ModernProtocol;
import dev.tollgate.gateway.RequestScope;
import dev.tollgate.identity.AgentIdentity;
import dev.tollgate.identity.Credentials;
import dev.tollgate.pipeline.AgentChannel;
import dev.tollgate.session.AgentSession;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;
import tools.jackson.databind.JsonNode;

/**
 * One POST in the stateless 2026-07-28 revision, after its envelope and headers passed: each request stands
 * alone, in a context made for it from its {@code _meta} (declared client capabilities, log level), and is
 * answered on its own POST, as an SSE stream when the answer may carry progress.
 */
final class ModernPost {
    private final ModernGateway gateway;
    private final Set<SseStream> openStreams;
    private final Clock clock;

    ModernPost(McpGateway gateway, Set<SseStream> openStreams, Clock clock) {
        this.gateway = new ModernGateway(gateway);
        this.openStreams = openStreams;
        this.clock = clock;
    }

    boolean handle(
            Request request,
            Response response,
            Callback callback,
            AgentIdentity agent,
            Credentials credentials,
            ModernRequestCheck.Modern checked,
            Optional<String> conversation) {
        JsonNode message = checked.message();
        if (!checked.request()) {
            response.setStatus(202);
            callback.succeeded();
            return true;
        }
        String method = message.path("method").asString();
        if (!ModernGateway.hasMethod(method)) {
            return HttpReplies.reply(
                    response,
                    callback,
                    404,
                    JsonRpc.error(
                            message.get("id"),
                            JsonRpc.METHOD_NOT_FOUND,
                            "Method not found: " + method + " is not part of MCP " + ModernProtocol.VERSION));
        }
        JsonNode meta = checked.meta();
        AgentSession session = AgentSession.stateless(
                agent,
                credentials,
                "http",
                ModernProtocol.VERSION,
                meta.path(ModernProtocol.CLIENT_CAPABILITIES_KEY),
                meta.path(ModernProtocol.CLIENT_INFO_KEY),
                clock.instant());
        session.logLevel(meta.path(ModernProtocol.LOG_LEVEL_KEY).asString("none"));
        if (method.equals("subscriptions/listen")) {
            return listen(request, response, callback, session, message);
        }
        LazyStream related = new LazyStream(request, response, callback);
        Optional<JsonNode> answer;
        try {
            answer = gateway.handle(
                    session, message, new RequestScope(related, conversation, McpHttpHandler.admission(request)));
        } finally {
            related.stream().ifPresent(openStreams::remove);
        }
        if (related.stream().isPresent()) {
            SseStream stream = related.stream().get();
            answer.ifPresent(stream::send);
            stream.close();
            return true;
        }
        if (answer.isEmpty()) {
            response.setStatus(202);
            callback.succeeded();
            return true;
        }
        int status = answer.get().path("error").path("code").asInt(0) == ModernProtocol.MISSING_CLIENT_CAPABILITY
                ? 400
                : 200;
        return HttpReplies.reply(response, callback, status, answer.get());
    }

    /**
     * The answer's SSE stream, opened only when a related message (progress, a log) comes before the answer:
     * without one the answer goes out as JSON with the status the revision gives its error, if it is one.
     */
    private final class LazyStream implements AgentChannel {
        private final Request request;
        private final Response response;
        private final Callback callback;
        private SseStream stream;

        LazyStream(Request request, Response response, Callback callback) {
            this.request = request;
            this.response = response;
            this.callback = callback;
        }

        synchronized Optional<SseStream> stream() {
            return Optional.ofNullable(stream);
        }

        @Override
        public synchronized void send(JsonNode message) {
            if (stream == null) {
                stream = SseStream.open(response, callback, null);
                request.addFailureListener(stream::abort);
                openStreams.add(stream);
            }
            stream.send(message);
        }
    }

    /** Opens a listen stream: acknowledged at once, then open until the agent goes away. */
    private boolean listen(
            Request request, Response response, Callback callback, AgentSession context, JsonNode message) {
        SseStream stream = SseStream.open(response, callback, null);
        ListenStream channel = new ListenStream(
                stream, message.get("id"), message.path("params").path("notifications"));
        AgentSession listener = AgentSession.stateless(
                context.agent(),
                context.credentials(),
                "http",
                ModernProtocol.VERSION,
                context.clientCapabilities(),
                context.clientInfo(),
                channel,
                clock.instant());
        List<String> subscribed = new ArrayList<>();
        for (String uri : ListenStream.requestedResources(message.path("params").path("notifications"))) {
            if (gateway.subscribe(listener, uri)) {
                subscribed.add(uri);
            }
        }
        channel.honourResources(subscribed);
        channel.acknowledge();
        Runnable unregister = gateway.listen(listener);
        channel.onClosed(unregister);
        openStreams.add(stream);
        request.addFailureListener(cause -> {
            stream.abort(cause);
            openStreams.remove(stream);
            unregister.run();
        });
        return true;
    }
}
