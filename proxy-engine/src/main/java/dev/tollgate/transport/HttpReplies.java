package dev.tollgate.transport;

import dev.tollgate.gateway.JsonRpc;
import dev.tollgate.json.Json;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.Optional;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.io.Content;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;
import tools.jackson.databind.JsonNode;

/** The endpoint's header names and the small pieces every request handler shares: JSON answers, bounded bodies. */
final class HttpReplies {
    static final String SESSION_HEADER = "Mcp-Session-Id";
    static final String VERSION_HEADER = "MCP-Protocol-Version";
    static final String CONVERSATION_HEADER = "X-Tollgate-Conversation";
    static final String LAST_EVENT_ID_HEADER = "Last-Event-ID";

    private HttpReplies() {}

    /** Answers with a JSON body and the given status. */
    static boolean reply(Response response, Callback callback, int status, JsonNode body) {
        response.setStatus(status);
        response.getHeaders().put(HttpHeader.CONTENT_TYPE, MediaTypes.JSON);
        Content.Sink.write(response, true, Json.write(body), callback);
        return true;
    }

    /** Answers with a JSON-RPC error carrying {@code id} (JSON null when the request's id is unknown). */
    static boolean error(Response response, Callback callback, int status, JsonNode id, int code, String message) {
        return reply(response, callback, status, JsonRpc.error(id, code, message));
    }

    /** Accepted with nothing to say (notifications, responses). */
    static boolean accepted(Response response, Callback callback) {
        response.setStatus(202);
        callback.succeeded();
        return true;
    }

    static boolean tooLarge(Response response, Callback callback, long maxRequestBytes) {
        return error(
                response,
                callback,
                413,
                null,
                JsonRpc.INVALID_REQUEST,
                "Request body exceeds the limit of " + maxRequestBytes + " bytes");
    }

    /** The body as UTF-8, or empty when it exceeds the limit (reading stops there). */
    static Optional<String> readBody(Request request, long maxRequestBytes) {
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

    /** A header's value without surrounding blanks, empty when absent. */
    static Optional<String> header(Request request, String name) {
        return Optional.ofNullable(request.getHeaders().get(name)).map(String::strip);
    }
}
