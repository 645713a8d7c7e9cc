package dev.tollgate.sample.agents;

/** Where scripted agents send their tool calls: through Tollgate, or straight to the sample servers. */
@FunctionalInterface
public interface ToolGateway {
    /** Opens the connection one agent uses for one conversation. */
    AgentConnection connect(String agentId, String conversationId);
}
