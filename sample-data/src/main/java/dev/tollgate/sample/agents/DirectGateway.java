package dev.tollgate.sample.agents;

import io.modelcontextprotocol.client.McpSyncClient;
import io.modelcontextprotocol.spec.McpSchema.CallToolRequest;
import io.modelcontextprotocol.spec.McpSchema.CallToolResult;
import java.net.URI;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;

/**
 * Agents talking to the sample servers with no gateway in between, as the company in the article did:
 * every agent can call every tool, and holds every server's credentials.
 */
public final class DirectGateway implements ToolGateway {
    private final Map<String, URI> endpoints;
    private final Map<String, Map<String, String>> headers;
    private final Duration timeout;

    /** {@code headers} per server name (e.g. the payments API token); servers without an entry get none. */
    public DirectGateway(Map<String, URI> endpoints, Map<String, Map<String, String>> headers, Duration timeout) {
        this.endpoints = Map.copyOf(endpoints);
        this.headers = Map.copyOf(headers);
        this.timeout = timeout;
    }

    @Override
    public AgentConnection connect(String agentId, String conversationId) {
        Map<String, McpSyncClient> clients = new HashMap<>();
        return new AgentConnection() {
            @Override
            public CallToolResult call(String qualifiedTool, Map<String, Object> arguments) {
                int dot = qualifiedTool.indexOf('.');
                String server = qualifiedTool.substring(0, dot);
                URI endpoint = endpoints.get(server);
                if (endpoint == null) {
                    throw new IllegalArgumentException("no server '" + server + "' for " + qualifiedTool);
                }
                McpSyncClient client = clients.computeIfAbsent(
                        server, s -> McpClients.connect(endpoint, headers.getOrDefault(s, Map.of()), agentId, timeout));
                return client.callTool(CallToolRequest.builder()
                        .name(qualifiedTool.substring(dot + 1))
                        .arguments(arguments)
                        .build());
            }

            @Override
            public void close() {
                clients.values().forEach(McpSyncClient::close);
            }
        };
    }
}
