package dev.tollgate.telemetry;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.function.Supplier;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.util.Callback;
import org.eclipse.jetty.util.thread.QueuedThreadPool;

/** The Prometheus scrape listener: {@code GET /metrics} on its own port, apart from the agents' endpoint. */
final class MetricsServer implements AutoCloseable {
    static final String CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8";

    private final Server server;
    private final ServerConnector connector;

    MetricsServer(String host, int port, Supplier<String> scrape) {
        QueuedThreadPool threads = new QueuedThreadPool(8, 2);
        threads.setName("tollgate-metrics");
        server = new Server(threads);
        connector = new ServerConnector(server, 1, 1);
        connector.setHost(host);
        connector.setPort(port);
        server.addConnector(connector);
        server.setHandler(new Handler.Abstract.NonBlocking() {
            @Override
            public boolean handle(Request request, Response response, Callback callback) {
                if (!"/metrics".equals(request.getHttpURI().getPath())) {
                    return false;
                }
                if (!"GET".equals(request.getMethod()) && !"HEAD".equals(request.getMethod())) {
                    response.setStatus(405);
                    callback.succeeded();
                    return true;
                }
                response.getHeaders().put(HttpHeader.CONTENT_TYPE, CONTENT_TYPE);
                response.write(true, ByteBuffer.wrap(scrape.get().getBytes(StandardCharsets.UTF_8)), callback);
                return true;
            }
        });
    }

    void start() throws Exception {
        server.start();
    }

    int port() {
        return connector.getLocalPort();
    }

    @Override
    public void close() throws Exception {
        server.stop();
    }
}
