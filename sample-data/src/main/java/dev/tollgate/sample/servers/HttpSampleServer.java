package dev.tollgate.sample.servers;

import io.modelcontextprotocol.json.McpJsonDefaults;
import io.modelcontextprotocol.server.McpServer;
import io.modelcontextprotocol.server.McpSyncServer;
import io.modelcontextprotocol.server.transport.HttpServletStreamableServerTransportProvider;
import io.modelcontextprotocol.spec.McpSchema;
import jakarta.servlet.DispatcherType;
import jakarta.servlet.Filter;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.EnumSet;
import java.util.Optional;
import org.eclipse.jetty.ee10.servlet.FilterHolder;
import org.eclipse.jetty.ee10.servlet.ServletContextHandler;
import org.eclipse.jetty.ee10.servlet.ServletHolder;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;

/**
 * A sample server on MCP Streamable HTTP at {@code http://127.0.0.1:PORT/mcp} (embedded Jetty). With a
 * token it answers 401 to requests without {@code Authorization: Bearer <token>}, like a real SaaS API.
 */
public final class HttpSampleServer implements AutoCloseable {
    private static final String PATH = "/mcp";

    private final SampleServer server;
    private final Server jetty;
    private final McpSyncServer mcp;
    private final URI endpoint;

    private HttpSampleServer(SampleServer server, Server jetty, McpSyncServer mcp, URI endpoint) {
        this.server = server;
        this.jetty = jetty;
        this.mcp = mcp;
        this.endpoint = endpoint;
    }

    /** Starts on 127.0.0.1; port 0 picks a free port. */
    public static HttpSampleServer start(SampleServer server, int port, Optional<String> requiredToken) {
        HttpServletStreamableServerTransportProvider transport = HttpServletStreamableServerTransportProvider.builder()
                .jsonMapper(McpJsonDefaults.getMapper())
                .mcpEndpoint(PATH)
                .build();
        McpSyncServer mcp = McpServer.sync(transport)
                .serverInfo(server.name(), "1.0.0")
                .instructions(server.instructions())
                .capabilities(
                        McpSchema.ServerCapabilities.builder().tools(false).build())
                .tools(server.tools())
                .build();
        Server jetty = new Server();
        ServerConnector connector = new ServerConnector(jetty);
        connector.setHost("127.0.0.1");
        connector.setPort(port);
        jetty.addConnector(connector);
        ServletContextHandler context = new ServletContextHandler();
        context.setContextPath("/");
        ServletHolder holder = new ServletHolder(transport);
        holder.setAsyncSupported(true);
        context.addServlet(holder, PATH);
        requiredToken.ifPresent(token -> {
            FilterHolder filter = new FilterHolder(bearerCheck(token));
            filter.setAsyncSupported(true);
            context.addFilter(filter, "/*", EnumSet.of(DispatcherType.REQUEST));
        });
        jetty.setHandler(context);
        try {
            jetty.start();
        } catch (Exception e) {
            mcp.close();
            throw new IllegalStateException("sample server " + server.name() + " could not listen on port " + port, e);
        }
        URI endpoint = URI.create("http://127.0.0.1:" + connector.getLocalPort() + PATH);
        return new HttpSampleServer(server, jetty, mcp, endpoint);
    }

    public URI endpoint() {
        return endpoint;
    }

    public SampleServer server() {
        return server;
    }

    @Override
    public void close() {
        mcp.close();
        try {
            jetty.stop();
        } catch (Exception e) {
            throw new IllegalStateException("sample server " + server.name() + " did not stop cleanly", e);
        }
    }

    private static Filter bearerCheck(String token) {
        byte[] expected = ("Bearer " + token).getBytes(StandardCharsets.UTF_8);
        return (request, response, chain) -> {
            String given = ((HttpServletRequest) request).getHeader("Authorization");
            byte[] actual = given == null ? new byte[0] : given.getBytes(StandardCharsets.UTF_8);
            if (MessageDigest.isEqual(expected, actual)) {
                chain.doFilter(request, response);
            } else {
                HttpServletResponse http = (HttpServletResponse) response;
                http.setHeader("WWW-Authenticate", "Bearer");
                http.sendError(HttpServletResponse.SC_UNAUTHORIZED, "missing or wrong API token");
            }
        };
    }
}
