package dev.tollgate.testing;

import dev.tollgate.testing.TestTools.TestTool;
import io.modelcontextprotocol.common.McpTransportContext;
import io.modelcontextprotocol.json.McpJsonDefaults;
import io.modelcontextprotocol.server.McpServer;
import io.modelcontextprotocol.server.McpServerFeatures;
import io.modelcontextprotocol.server.McpStatelessServerFeatures;
import io.modelcontextprotocol.server.McpStatelessSyncServer;
import io.modelcontextprotocol.server.McpSyncServer;
import io.modelcontextprotocol.server.McpSyncServerExchange;
import io.modelcontextprotocol.server.transport.HttpServletStatelessServerTransport;
import io.modelcontextprotocol.server.transport.HttpServletStreamableServerTransportProvider;
import io.modelcontextprotocol.spec.McpSchema;
import jakarta.servlet.DispatcherType;
import jakarta.servlet.Filter;
import jakarta.servlet.ReadListener;
import jakarta.servlet.ServletInputStream;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletRequestWrapper;
import java.io.BufferedReader;
import java.io.ByteArrayInputStream;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.eclipse.jetty.ee10.servlet.FilterHolder;
import org.eclipse.jetty.ee10.servlet.ServletContextHandler;
import org.eclipse.jetty.ee10.servlet.ServletHolder;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;

/**
 * A real MCP server (official Java SDK) over Streamable HTTP on 127.0.0.1, port 0, for tests.
 * Tools: {@code echo}, {@code add}, {@code charge} (destructive, counted), {@code slow}, {@code fail},
 * {@code progress}, {@code whoami}; resource {@code test://readme}; prompt {@code greeting}.
 * Every HTTP request's headers are recorded so tests can assert what reached the upstream.
 *
 * <pre>{@code
 * try (McpTestServer upstream = McpTestServer.builder().prefix("pay_").start()) { upstream.url(); }
 * }</pre>
 */
public final class McpTestServer implements AutoCloseable {

    /** One HTTP request as the server received it: method, headers (names lower-cased) and body (may be empty). */
    public record ReceivedRequest(String method, Map<String, String> headers, String body) {}

    private static final Pattern METHOD = Pattern.compile("\"method\"\\s*:\\s*\"([^\"]+)\"");

    private final Builder options;
    private final AtomicInteger charges = new AtomicInteger();
    private final List<ReceivedRequest> received = new CopyOnWriteArrayList<>();
    private Server jetty;
    private McpSyncServer server;
    private McpStatelessSyncServer statelessServer;
    private String url;

    private McpTestServer(Builder options) {
        this.options = options;
    }

    public static Builder builder() {
        return new Builder();
    }

    /** A started server with every tool, no prefix, stateful sessions (requests answered over SSE). */
    public static McpTestServer startDefault() {
        return builder().start();
    }

    private McpTestServer startServer() {
        List<TestTool> tools = TestTools.build(options.prefix, options.tools, charges);
        HttpServlet servlet;
        if (options.stateless) {
            HttpServletStatelessServerTransport transport = HttpServletStatelessServerTransport.builder()
                    .jsonMapper(McpJsonDefaults.getMapper())
                    .messageEndpoint("/mcp")
                    .contextExtractor(McpTestServer::headerContext)
                    .build();
            List<McpStatelessServerFeatures.SyncToolSpecification> specs = new ArrayList<>();
            for (TestTool t : tools) {
                specs.add(new McpStatelessServerFeatures.SyncToolSpecification(
                        t.tool(), (ctx, req) -> t.behaviour().apply(req, headersOf(ctx), p -> {})));
            }
            statelessServer = McpServer.sync(transport)
                    .serverInfo(options.serverName, "1.0.0")
                    .capabilities(TestTools.capabilities())
                    .tools(specs)
                    .resources(new McpStatelessServerFeatures.SyncResourceSpecification(
                            TestTools.resource(), (ctx, req) -> TestTools.readResource()))
                    .prompts(new McpStatelessServerFeatures.SyncPromptSpecification(
                            TestTools.prompt(), (ctx, req) -> TestTools.getPrompt(req)))
                    .build();
            servlet = transport;
        } else {
            HttpServletStreamableServerTransportProvider transport =
                    HttpServletStreamableServerTransportProvider.builder()
                            .jsonMapper(McpJsonDefaults.getMapper())
                            .mcpEndpoint("/mcp")
                            .contextExtractor(McpTestServer::headerContext)
                            .build();
            List<McpServerFeatures.SyncToolSpecification> specs = new ArrayList<>();
            for (TestTool t : tools) {
                specs.add(streamable(t));
            }
            server = McpServer.sync(transport)
                    .serverInfo(options.serverName, "1.0.0")
                    .capabilities(TestTools.capabilities())
                    .tools(specs)
                    .resources(new McpServerFeatures.SyncResourceSpecification(
                            TestTools.resource(), (ex, req) -> TestTools.readResource()))
                    .prompts(new McpServerFeatures.SyncPromptSpecification(
                            TestTools.prompt(), (ex, req) -> TestTools.getPrompt(req)))
                    .build();
            servlet = transport;
        }
        jetty = new Server();
        ServerConnector connector = new ServerConnector(jetty);
        connector.setHost("127.0.0.1");
        connector.setPort(options.port);
        jetty.addConnector(connector);
        ServletContextHandler context = new ServletContextHandler();
        ServletHolder holder = new ServletHolder(servlet);
        holder.setAsyncSupported(true);
        context.addServlet(holder, "/mcp");
        if (options.recordRequests) {
            FilterHolder recorder = new FilterHolder((Filter) (request, response, chain) -> {
                HttpServletRequest http = (HttpServletRequest) request;
                byte[] body = http.getInputStream().readAllBytes();
                received.add(new ReceivedRequest(
                        http.getMethod(), headersOf(http), new String(body, StandardCharsets.UTF_8)));
                chain.doFilter(new ReplayedBody(http, body), response);
            });
            recorder.setAsyncSupported(true);
            context.addFilter(recorder, "/*", EnumSet.of(DispatcherType.REQUEST));
        }
        jetty.setHandler(context);
        try {
            jetty.start();
        } catch (Exception e) {
            throw new IllegalStateException("test MCP server did not start", e);
        }
        url = "http://127.0.0.1:" + connector.getLocalPort() + "/mcp";
        return this;
    }

    private static McpServerFeatures.SyncToolSpecification streamable(TestTool t) {
        return new McpServerFeatures.SyncToolSpecification(
                t.tool(),
                (McpSyncServerExchange ex, McpSchema.CallToolRequest req) ->
                        t.behaviour().apply(req, headersOf(ex.transportContext()), ex::progressNotification));
    }

    private static McpTransportContext headerContext(HttpServletRequest request) {
        return McpTransportContext.create(Map.of("headers", headersOf(request)));
    }

    @SuppressWarnings("unchecked")
    private static Map<String, String> headersOf(McpTransportContext context) {
        Object headers = context == null ? null : context.get("headers");
        return headers instanceof Map<?, ?> map ? (Map<String, String>) map : Map.of();
    }

    private static Map<String, String> headersOf(HttpServletRequest request) {
        Map<String, String> headers = new TreeMap<>();
        for (String name : Collections.list(request.getHeaderNames())) {
            headers.put(name.toLowerCase(Locale.ROOT), String.join(", ", Collections.list(request.getHeaders(name))));
        }
        return headers;
    }

    /** The MCP endpoint, {@code http://127.0.0.1:PORT/mcp}. */
    public String url() {
        return url;
    }

    public int port() {
        return URI.create(url).getPort();
    }

    /** How many {@code charge} calls reached this server. */
    public int chargeCount() {
        return charges.get();
    }

    /** Every HTTP request received so far, oldest first. */
    public List<ReceivedRequest> receivedRequests() {
        return List.copyOf(received);
    }

    /** The JSON-RPC method names POSTed so far (requests and notifications), oldest first. */
    public List<String> receivedMethods() {
        List<String> methods = new ArrayList<>();
        for (ReceivedRequest r : received) {
            Matcher m = METHOD.matcher(r.body());
            if ("POST".equals(r.method()) && m.find()) {
                methods.add(m.group(1));
            }
        }
        return methods;
    }

    /** The headers of every HTTP request received so far (names lower-cased), oldest first. */
    public List<Map<String, String>> receivedHeaders() {
        List<Map<String, String>> all = new ArrayList<>();
        for (ReceivedRequest r : received) {
            all.add(r.headers());
        }
        return all;
    }

    /** The distinct {@code Mcp-Session-Id} values clients have sent. */
    public Set<String> sessionIdsSeen() {
        Set<String> ids = new LinkedHashSet<>();
        for (ReceivedRequest r : received) {
            String id = r.headers().get("mcp-session-id");
            if (id != null) {
                ids.add(id);
            }
        }
        return ids;
    }

    /** Ends a session server-side (as an HTTP DELETE would), so its client's next request gets 404. */
    public void expireSession(String sessionId) {
        try {
            HttpResponse<Void> response = HttpClient.newHttpClient()
                    .send(
                            HttpRequest.newBuilder(URI.create(url))
                                    .header("Mcp-Session-Id", sessionId)
                                    .DELETE()
                                    .build(),
                            HttpResponse.BodyHandlers.discarding());
            if (response.statusCode() / 100 != 2) {
                throw new IllegalStateException("expiring session " + sessionId + " got HTTP " + response.statusCode());
            }
        } catch (java.io.IOException e) {
            throw new IllegalStateException("expiring session " + sessionId + " failed", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
    }

    /** Adds an echo-like tool at runtime; a stateful server tells its sessions {@code notifications/tools/list_changed}. */
    public void addEchoTool(String name) {
        TestTool echo = TestTools.create("", "echo", charges);
        McpSchema.Tool renamed = McpSchema.Tool.builder()
                .name(name)
                .description(echo.tool().description())
                .inputSchema(echo.tool().inputSchema())
                .annotations(echo.tool().annotations())
                .build();
        TestTool t = new TestTool(renamed, echo.behaviour());
        if (server != null) {
            server.addTool(streamable(t));
        } else {
            statelessServer.addTool(new McpStatelessServerFeatures.SyncToolSpecification(
                    t.tool(), (ctx, req) -> t.behaviour().apply(req, headersOf(ctx), p -> {})));
        }
    }

    /** Tells the sessions subscribed to the resource (stateful server) that it changed. */
    public void resourceUpdated(String uri) {
        server.notifyResourcesUpdated(new McpSchema.ResourcesUpdatedNotification(uri));
    }

    /**
     * Gives a stateful server's tool a new description while it runs (a rug-pull): the tool is removed and added
     * back, and the server tells its sessions {@code notifications/tools/list_changed} each time.
     */
    public void redescribe(String name, String description) {
        McpSchema.Tool old = server.listTools().stream()
                .filter(t -> t.name().equals(name))
                .findFirst()
                .orElseThrow(() -> new IllegalArgumentException("no tool " + name));
        TestTool base = TestTools.create("", name.substring(options.prefix.length()), charges);
        McpSchema.Tool changed = McpSchema.Tool.builder()
                .name(name)
                .description(description)
                .inputSchema(old.inputSchema())
                .annotations(old.annotations())
                .build();
        server.removeTool(name);
        server.addTool(streamable(new TestTool(changed, base.behaviour())));
    }

    @Override
    public void close() {
        if (server != null) {
            server.close();
        }
        if (statelessServer != null) {
            statelessServer.close();
        }
        if (jetty != null) {
            try {
                jetty.stop();
            } catch (Exception e) {
                throw new IllegalStateException("test MCP server did not stop", e);
            }
        }
    }

    /** Hands the servlet a body the recording filter already read. */
    private static final class ReplayedBody extends HttpServletRequestWrapper {
        private final byte[] body;

        ReplayedBody(HttpServletRequest request, byte[] body) {
            super(request);
            this.body = body;
        }

        @Override
        public ServletInputStream getInputStream() {
            ByteArrayInputStream in = new ByteArrayInputStream(body);
            return new ServletInputStream() {
                @Override
                public boolean isFinished() {
                    return in.available() == 0;
                }

                @Override
                public boolean isReady() {
                    return true;
                }

                @Override
                public void setReadListener(ReadListener listener) {
                    throw new UnsupportedOperationException("the test server reads bodies blocking");
                }

                @Override
                public int read() {
                    return in.read();
                }

                @Override
                public int read(byte[] b, int off, int len) {
                    return in.read(b, off, len);
                }
            };
        }

        @Override
        public BufferedReader getReader() {
            return new BufferedReader(new InputStreamReader(getInputStream(), StandardCharsets.UTF_8));
        }
    }

    /** Options for a test server. */
    public static final class Builder {
        private String prefix = "";
        private Set<String> tools = new LinkedHashSet<>(TestTools.ALL);
        private boolean stateless;
        private String serverName = "tollgate-test-server";
        private int port;
        private boolean recordRequests = true;

        private Builder() {}

        /** Prepended to every tool name, e.g. {@code "pay_"} gives {@code pay_charge}. */
        public Builder prefix(String prefix) {
            this.prefix = prefix;
            return this;
        }

        /** Only these tools (from echo, add, charge, slow, fail, progress, whoami). */
        public Builder tools(String... names) {
            Set<String> chosen = new LinkedHashSet<>(List.of(names));
            for (String n : chosen) {
                if (!TestTools.ALL.contains(n)) {
                    throw new IllegalArgumentException("unknown test tool '" + n + "'; known: " + TestTools.ALL);
                }
            }
            this.tools = chosen;
            return this;
        }

        /** Stateless transport: no sessions, every answer is plain JSON (no SSE, no progress). */
        public Builder stateless(boolean stateless) {
            this.stateless = stateless;
            return this;
        }

        public Builder serverName(String serverName) {
            this.serverName = serverName;
            return this;
        }

        /** A fixed port (default 0: any free port); for restarting a server where a client expects it. */
        public Builder port(int port) {
            this.port = port;
            return this;
        }

        /**
         * Whether to keep every request for {@link #receivedRequests()} (default true). Load benchmarks turn it
         * off: the record grows without bound and copying it would load the server more than answering does.
         */
        public Builder recordRequests(boolean recordRequests) {
            this.recordRequests = recordRequests;
            return this;
        }

        public McpTestServer start() {
            return new McpTestServer(this).startServer();
        }
    }
}
