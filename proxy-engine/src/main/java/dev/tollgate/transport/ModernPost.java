package dev.tollgate.transport;

import dev.tollgate.gateway.JsonRpc;
import dev.tollgate.gateway.McpGateway;
import dev.tollgate.gateway.ModernGateway;
import dev.tollgate.gateway.ModernProtocol;
import dev.tollgate.gateway.RequestScope;
import dev.tollgate.identity.AgentIdentity;
import dev.tollgate.identity.Credentials;
import dev.tollgate.session.AgentSession;
import java.time.Clock;
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

    boolean handle(Request request, Response response, Callback callback, AgentIdentity agent,
                   Credentials credentials, ModernRequestCheck.Modern checked, Optional<String> conversation) {
        JsonNode message = checked.message();
        if (!checked.request()) {
            response.setStatus(202);
            callback.succeeded();
            return true;
        }
        String method = message.path("method").asString();
        if (!ModernGateway.hasMethod(method) || method.equals("subscriptions/listen")) {
            return McpHttpHandler.reply(response, callback, 404, JsonRpc.error(message.get("id"),
                    JsonRpc.METHOD_NOT_FOUND, "Method not found: " + method + " is not part of MCP "
                            + ModernProtocol.VERSION));
        }
        JsonNode meta = checked.meta();
        AgentSession session = AgentSession.stateless(agent, credentials, "http", ModernProtocol.VERSION,
                meta.path(ModernProtocol.CLIENT_CAPABILITIES_KEY), meta.path(ModernProtocol.CLIENT_INFO_KEY),
                clock.instant());
        session.logLevel(meta.path(ModernProtocol.LOG_LEVEL_KEY).asString("none"));
        if (McpGateway.streamsRelatedMessages(method)) {
            SseStream stream = SseStream.open(response, callback, null);
            request.addFailureListener(stream::abort);
            openStreams.add(stream);
            try {
                gateway.handle(session, message, new RequestScope(stream, conversation)).ifPresent(stream::send);
            } finally {
                openStreams.remove(stream);
                stream.close();
            }
            return true;
        }
        Optional<JsonNode> answer = gateway.handle(session, message, new RequestScope(session.outbound(),
                conversation));
        if (answer.isEmpty()) {
            response.setStatus(202);
            callback.succeeded();
            return true;
        }
        int status = answer.get().path("error").path("code").asInt(0) == ModernProtocol.MISSING_CLIENT_CAPABILITY
                ? 400 : 200;
        return McpHttpHandler.reply(response, callback, status, answer.get());
    }
}
