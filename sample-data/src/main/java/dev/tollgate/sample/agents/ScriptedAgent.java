package dev.tollgate.sample.agents;

import dev.tollgate.json.Json;
import io.modelcontextprotocol.spec.McpSchema;
import io.modelcontextprotocol.spec.McpSchema.CallToolResult;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * An agent that replays its side of a transcript: every tool call an assistant turn made, in order,
 * over a real MCP connection. A call marked {@code retryUntilConfirmed} is repeated at once on any error,
 * the way the agent in the article kept re-issuing a refund after a network timeout.
 */
public final class ScriptedAgent {
    private final String agentId;
    private final ToolGateway gateway;
    private final Pacing pacing;
    private final Optional<TranscriptRecorder> recorder;

    public ScriptedAgent(String agentId, ToolGateway gateway, Pacing pacing) {
        this(agentId, gateway, pacing, Optional.empty());
    }

    /** With a recorder, the conversation is written down as it is played (real times, real tool results). */
    public ScriptedAgent(String agentId, ToolGateway gateway, Pacing pacing, Optional<TranscriptRecorder> recorder) {
        this.agentId = agentId;
        this.gateway = gateway;
        this.pacing = pacing;
        this.recorder = recorder;
    }

    public String agentId() {
        return agentId;
    }

    /** Plays one conversation while the budget lasts and returns every call made. */
    public List<AgentCall> play(Transcript transcript, CallBudget budget) {
        List<AgentCall> calls = new ArrayList<>();
        try (AgentConnection connection = gateway.connect(agentId, transcript.conversationId())) {
            for (TranscriptLine line : transcript.lines()) {
                if (Thread.currentThread().isInterrupted()) {
                    return calls;
                }
                if (!line.role().equals("tool")) {
                    // The script's tool lines are last month's answers; the real ones are recorded below.
                    recorder.ifPresent(r -> r.turn(line));
                }
                for (TranscriptToolCall toolCall : line.toolCalls()) {
                    List<AgentCall> attempts = new ArrayList<>();
                    boolean budgetLeft = attempts(connection, transcript.conversationId(), toolCall, budget, attempts);
                    calls.addAll(attempts);
                    if (!attempts.isEmpty()) {
                        recorder.ifPresent(r -> r.result(transcript.conversationId(), attempts));
                    }
                    if (!budgetLeft) {
                        return calls;
                    }
                }
                pacing.pause(pacing.betweenTurns());
            }
        }
        return calls;
    }

    /** Calls once, or until confirmed for the incident's retry loop; false when the budget ran out. */
    private boolean attempts(
            AgentConnection connection,
            String conversationId,
            TranscriptToolCall toolCall,
            CallBudget budget,
            List<AgentCall> into) {
        AgentCall last;
        do {
            if (!budget.take()) {
                return false;
            }
            if (!into.isEmpty()) {
                pacing.pause(pacing.betweenRetries());
            }
            last = call(connection, conversationId, toolCall, into.size() + 1);
            into.add(last);
        } while (toolCall.retryUntilConfirmed()
                && last.outcome() != AgentCall.Outcome.OK
                && !Thread.currentThread().isInterrupted());
        return true;
    }

    @SuppressWarnings("unchecked")
    private AgentCall call(
            AgentConnection connection, String conversationId, TranscriptToolCall toolCall, int attempt) {
        Map<String, Object> arguments = Json.MAPPER.convertValue(toolCall.arguments(), Map.class);
        try {
            CallToolResult result = connection.call(toolCall.tool(), arguments);
            Optional<String> blockedBy = blockedBy(result);
            AgentCall.Outcome outcome = blockedBy.isPresent()
                    ? AgentCall.Outcome.BLOCKED
                    : Boolean.TRUE.equals(result.isError()) ? AgentCall.Outcome.ERROR : AgentCall.Outcome.OK;
            return new AgentCall(
                    agentId,
                    conversationId,
                    toolCall.tool(),
                    toolCall.arguments(),
                    attempt,
                    outcome,
                    text(result),
                    blockedBy);
        } catch (RuntimeException e) {
            return new AgentCall(
                    agentId,
                    conversationId,
                    toolCall.tool(),
                    toolCall.arguments(),
                    attempt,
                    AgentCall.Outcome.ERROR,
                    String.valueOf(e.getMessage()),
                    Optional.empty());
        }
    }

    private static Optional<String> blockedBy(CallToolResult result) {
        if (result.meta() == null || !(result.meta().get("tollgate") instanceof Map<?, ?> tollgate)) {
            return Optional.empty();
        }
        if (!"blocked".equals(tollgate.get("decision"))) {
            return Optional.empty();
        }
        return Optional.of(String.valueOf(tollgate.get("rule")));
    }

    private static String text(CallToolResult result) {
        return result.content() == null
                ? ""
                : result.content().stream()
                        .filter(c -> c instanceof McpSchema.TextContent)
                        .map(c -> ((McpSchema.TextContent) c).text())
                        .collect(Collectors.joining("\n"));
    }
}
