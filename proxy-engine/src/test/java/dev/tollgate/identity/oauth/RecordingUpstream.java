package dev.tollgate.identity.oauth;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.util.Callback;

/**
 * An OAuth-protected upstream on loopback: publishes its RFC 9728 metadata naming its authorization server
 * and records the Authorization header of every request to {@code /mcp}.
 */
final class RecordingUpstream implements AutoCloseable {
    private final Server server = new Server();
    private final ServerConnector connector = new ServerConnector(server);
    final List<Optional<String>> authorizations = new CopyOnWriteArrayList<>();

    RecordingUpstream(String authorizationServer) throws Exception {
        connector.setHost("127.0.0.1");
        connector.setPort(0);
        server.addConnector(connector);
        server.setHandler(new Handler.Abstract() {
            @Override
            public boolean handle(Request request, Response response, Callback callback) {
                String path = Request.getPathInContext(request);
                String body;
                if (path.equals("/.well-known/oauth-protected-resource/mcp")) {
                    body = "{\"resource\":\"" + url() + "\",\"authorization_servers\":[\"" + authorizationServer
                            + "\"]}";
                } else if (path.equals("/mcp")) {
                    authorizations.add(Optional.ofNullable(request.getHeaders().get(HttpHeader.AUTHORIZATION)));
                    body = "{\"jsonrpc\":\"2.0\",\"id\":1,\"result\":{\"content\":[]}}";
                } else {
                    return false;
                }
                response.getHeaders().put(HttpHeader.CONTENT_TYPE, "application/json");
                response.write(true, ByteBuffer.wrap(body.getBytes(StandardCharsets.UTF_8)), callback);
                return true;
            }
        });
        server.start();
    }

    String url() {
        return "http://127.0.0.1:" + connector.getLocalPort() + "/mcp";
    }

    @Override
    public void close() throws Exception {
        server.stop();
    }
}
