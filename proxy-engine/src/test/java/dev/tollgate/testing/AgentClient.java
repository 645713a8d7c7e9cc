package dev.tollgate.testing;

import io.modelcontextprotocol.client.McpClient;
import io.modelcontextprotocol.client.McpSyncClient;
import io.modelcontextprotocol.client.transport.HttpClientStreamableHttpTransport;
import io.modelcontextprotocol.spec.McpSchema;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

/**
 * An MCP agent for tests: the official SDK client over Streamable HTTP, presenting {@code Authorization:
 * Bearer <key>} and any extra headers (e.g. {@code X-Tollgate-Conversation}), already initialized.
 */
public final class AgentClient implements AutoCloseable {
    private final McpSyncClient client;

    private AgentClient(McpSyncClient client) {
        this.client = client;
    }

    /** An initialized client to {@code endpoint} (e.g. {@code http://127.0.0.1:PORT/mcp}) with a bearer key. */
    public static AgentClient connect(String endpoint, String bearerKey) {
        return builder(endpoint).bearer(bearerKey).connect();
    }

    public static Builder builder(String endpoint) {
        return new Builder(endpoint);
    }

    /** The SDK client, for anything the helpers below do not cover. */
    public McpSyncClient mcp() {
        return client;
    }

    public McpSchema.CallToolResult call(String tool, Map<String, Object> arguments) {
        return client.callTool(new McpSchema.CallToolRequest(tool, arguments));
    }

    /** The tool's first text content; fails if the result has none. */
    public static String text(McpSchema.CallToolResult result) {
        for (McpSchema.Content c : result.content()) {
            if (c instanceof McpSchema.TextContent t) {
                return t.text();
            }
        }
        throw new AssertionError("tool result has no text content: " + result);
    }

    /** Every tool name, following pagination. */
    public List<String> toolNames() {
        List<String> names = new ArrayList<>();
        String cursor = null;
        do {
            McpSchema.ListToolsResult page = cursor == null ? client.listTools() : client.listTools(cursor);
            page.tools().forEach(t -> names.add(t.name()));
            cursor = page.nextCursor();
        } while (cursor != null);
        return names;
    }

    @Override
    public void close() {
        client.closeGracefully();
    }

    /** Options for an agent client. */
    public static final class Builder {
        private final String endpoint;
        private final Map<String, String> headers = new LinkedHashMap<>();
        private Duration timeout = Duration.ofSeconds(20);
        private final List<Consumer<McpSchema.ProgressNotification>> progress = new ArrayList<>();
        private final List<Consumer<List<McpSchema.Tool>>> toolsChanged = new ArrayList<>();

        private Builder(String endpoint) {
            this.endpoint = endpoint;
        }

        public Builder bearer(String key) {
            return header("Authorization", "Bearer " + key);
        }

        public Builder conversation(String conversationId) {
            return header("X-Tollgate-Conversation", conversationId);
        }

        public Builder header(String name, String value) {
            headers.put(name, value);
            return this;
        }

        public Builder requestTimeout(Duration timeout) {
            this.timeout = timeout;
            return this;
        }

        public Builder onProgress(Consumer<McpSchema.ProgressNotification> consumer) {
            progress.add(consumer);
            return this;
        }

        public Builder onToolsChanged(Consumer<List<McpSchema.Tool>> consumer) {
            toolsChanged.add(consumer);
            return this;
        }

        /** Builds the client and runs the initialize handshake. */
        public AgentClient connect() {
            URI uri = URI.create(endpoint);
            String base = uri.getScheme() + "://" + uri.getAuthority();
            String path = uri.getRawPath() == null || uri.getRawPath().isEmpty() ? "/" : uri.getRawPath();
            Map<String, String> fixed = Map.copyOf(headers);
            HttpClientStreamableHttpTransport transport = HttpClientStreamableHttpTransport.builder(base)
                    .endpoint(path)
                    .httpRequestCustomizer((request, method, target, body, context) -> fixed.forEach(request::header))
                    .build();
            McpClient.SyncSpec spec = McpClient.sync(transport)
                    .requestTimeout(timeout)
                    .initializationTimeout(timeout)
                    .clientInfo(new McpSchema.Implementation("tollgate-test-agent", "1.0.0"));
            if (!progress.isEmpty()) {
                spec.progressConsumers(List.copyOf(progress));
            }
            for (Consumer<List<McpSchema.Tool>> c : toolsChanged) {
                spec.toolsChangeConsumer(c);
            }
            McpSyncClient client = spec.build();
            try {
                client.initialize();
            } catch (RuntimeException e) {
                client.close();
                throw e;
            }
            return new AgentClient(client);
        }
    }
}
