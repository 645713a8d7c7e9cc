package dev.tollgate.identity;

import dev.tollgate.json.Json;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.http.HttpMethod;
import org.eclipse.jetty.http.HttpStatus;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;

/**
 * Serves {@code /.well-known/oauth-protected-resource} and its {@code /mcp}-suffixed form (RFC 9728 §3.1
 * inserts the resource path after the well-known segment). Declines every other path so it can sit in
 * front of the MCP handler.
 */
public final class ProtectedResourceMetadataHandler extends Handler.Abstract.NonBlocking {
    private final byte[] body;

    public ProtectedResourceMetadataHandler(ProtectedResourceMetadata metadata) {
        this.body = Json.write(metadata.toJson()).getBytes(StandardCharsets.UTF_8);
    }

    @Override
    public boolean handle(Request request, Response response, Callback callback) {
        String path = Request.getPathInContext(request);
        if (!path.equals(BearerChallenge.WELL_KNOWN_PATH) && !path.equals(BearerChallenge.WELL_KNOWN_PATH + "/mcp")) {
            return false;
        }
        if (!HttpMethod.GET.is(request.getMethod()) && !HttpMethod.HEAD.is(request.getMethod())) {
            response.setStatus(HttpStatus.METHOD_NOT_ALLOWED_405);
            response.getHeaders().put(HttpHeader.ALLOW, "GET, HEAD");
            callback.succeeded();
            return true;
        }
        response.setStatus(HttpStatus.OK_200);
        response.getHeaders().put(HttpHeader.CONTENT_TYPE, "application/json");
        response.getHeaders().put(HttpHeader.CACHE_CONTROL, "max-age=300");
        response.write(true, ByteBuffer.wrap(body), callback);
        return true;
    }
}
