package dev.tollgate.sample.agents;

import io.modelcontextprotocol.spec.McpSchema.CallToolResult;
import java.util.Map;

/** One conversation's MCP connection: calls tools by their policy name ({@code server.tool}). */
public interface AgentConnection extends AutoCloseable {
    CallToolResult call(String qualifiedTool, Map<String, Object> arguments);

    @Override
    void close();
}
