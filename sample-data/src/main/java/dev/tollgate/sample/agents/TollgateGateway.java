package dev.tollgate.sample.agents;

import io.modelcontextprotocol.client.McpSyncClient;
import io.modelcontextprotocol.spec.McpSchema.CallToolRequest;
import io.modelcontextprotocol.spec.McpSchema.CallToolResult;
import java.net.URI;
import java.time.Duration;
import java.util.Map;

/**
 * Agents reaching their tools through Tollgate's endpoint: each authenticates with its own API key and
 * names its conversation twice, in the {@code X-Tollgate-Conversation} header and in
 * {@code params._meta["tollgate/conversation"]}, so every audited call points back at its transcript.
 */
public final class TollgateGateway implements ToolGateway {
    public static final String CONVERSATION_HEADER = "X-Tollgate-Conversation";
    public static final String CONVERSATION_META = "tollgate/conversation";

    private final URI endpoint;
    private final Map<String, String> agentKeys;
    private final String separator;
    private final Duration timeout;

    /** {@code separator} joins server and tool as agents see them ({@code __} unless the config says otherwise). */
    public TollgateGateway(URI endpoint, Map<String, String> agentKeys, String separator, Duration timeout) {
        this.endpoint = endpoint;
        this.agentKeys = Map.copyOf(agentKeys);
        this.separator = separator;
        this.timeout = timeout;
    }

    @Override
    public AgentConnection connect(String agentId, String conversationId) {
        String key = agentKeys.get(agentId);
        if (key == null) {
            throw new IllegalArgumentException("no API key for agent " + agentId);
        }
        McpSyncClient client = McpClients.connect(
                endpoint,
                Map.of("Authorization", "Bearer " + key, CONVERSATION_HEADER, conversationId),
                agentId,
                timeout);
        return new AgentConnection() {
            @Override
            public CallToolResult call(String qualifiedTool, Map<String, Object> arguments) {
                int dot = qualifiedTool.indexOf('.');
                String name = qualifiedTool.substring(0, dot) + separator + qualifiedTool.substring(dot + 1);
                return client.callTool(CallToolRequest.builder()
                        .name(name)
                        .arguments(arguments)
                        .meta(Map.of(CONVERSATION_META, conversationId))
                        .build());
            }

            @Override
            public void close() {
                client.close();
            }
        };
    }
}
