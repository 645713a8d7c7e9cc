package dev.tollgate.transport;

import java.net.URI;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.util.Callback;
import org.eclipse.jetty.util.thread.QueuedThreadPool;

/**
 * The agent-facing Jetty server: the MCP endpoint at {@code /mcp} plus any extra routes features register
 * (e.g. OAuth protected-resource metadata), bound to loopback unless configured otherwise.
 */
public final class AgentHttpServer implements AutoCloseable {
    public static final String MCP_PATH = "/mcp";
    private static final long IDLE_TIMEOUT_MS = 300_000;

    private final Server server;
    private final ServerConnector connector;
    private final Routes routes = new Routes();
    private final McpHttpHandler mcp;
    private final ScheduledExecutorService keepAlive;

    public AgentHttpServer(String host, int port, McpHttpHandler mcp) {
        QueuedThreadPool threads = new QueuedThreadPool(256, 8);
        threads.setName("tollgate-http");
        this.server = new Server(threads);
        this.connector = new ServerConnector(server);
        connector.setHost(host);
        connector.setPort(port);
        connector.setIdleTimeout(IDLE_TIMEOUT_MS);
        server.addConnector(connector);
        server.setHandler(routes);
        server.setStopTimeout(5_000);
        this.mcp = mcp;
        routes.add(MCP_PATH, mcp);
        this.keepAlive = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "tollgate-sse-keepalive");
            t.setDaemon(true);
            return t;
        });
    }

    /** Serves another handler at an exact path (before or after start), e.g. a metadata document. */
    public void addRoute(String path, Handler handler) {
        routes.add(path, handler);
        if (server.isStarted() && !handler.isStarted()) {
            try {
                handler.setServer(server);
                handler.start();
            } catch (Exception e) {
                throw new IllegalStateException("could not start the handler for " + path, e);
            }
        }
    }

    public void start() throws Exception {
        server.start();
        keepAlive.scheduleWithFixedDelay(mcp::keepStreamsAlive, 5, 5, TimeUnit.SECONDS);
        keepAlive.scheduleWithFixedDelay(mcp::streamSlowAnswers, 50, 50, TimeUnit.MILLISECONDS);
    }

    public int port() {
        return connector.getLocalPort();
    }

    /** {@code http://HOST:PORT/mcp} as agents should use it. */
    public URI endpoint() {
        String host = connector.getHost() == null || connector.getHost().equals("0.0.0.0")
                ? "127.0.0.1"
                : connector.getHost();
        if (host.contains(":") && !host.startsWith("[")) {
            host = "[" + host + "]";
        }
        return URI.create("http://" + host + ":" + port() + MCP_PATH);
    }

    @Override
    public void close() {
        keepAlive.shutdownNow();
        try {
            server.stop();
        } catch (Exception e) {
            throw new IllegalStateException("could not stop the HTTP server", e);
        }
    }

    /** Exact-path dispatch; anything else is 404. */
    private static final class Routes extends Handler.Abstract {
        private final Map<String, Handler> byPath = new ConcurrentHashMap<>();

        void add(String path, Handler handler) {
            byPath.put(path, handler);
            if (getServer() != null) {
                handler.setServer(getServer());
            }
        }

        @Override
        public void setServer(Server server) {
            super.setServer(server);
            byPath.values().forEach(h -> h.setServer(server));
        }

        @Override
        protected void doStart() throws Exception {
            for (Handler handler : byPath.values()) {
                handler.start();
            }
            super.doStart();
        }

        @Override
        protected void doStop() throws Exception {
            super.doStop();
            for (Handler handler : byPath.values()) {
                handler.stop();
            }
        }

        @Override
        public boolean handle(Request request, Response response, Callback callback) throws Exception {
            Handler handler = byPath.get(request.getHttpURI().getPath());
            return handler != null && handler.handle(request, response, callback);
        }
    }
}
