package dev.tollgate.pipeline;

import dev.tollgate.json.Json;
import java.util.Optional;
import java.util.OptionalLong;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * The end of a call: the decision, the status, and the {@code CallToolResult} object returned to the
 * agent (for blocked calls, an {@code isError} result that names the rule or the retry time). Once the chain has
 * settled it ({@link CallState#settle}), it also carries the call as finally identified and its audit record's id.
 */
public record CallOutcome(
        Decision decision,
        CallStatus status,
        JsonNode result,
        long responseBytes,
        Optional<ToolCall> call,
        OptionalLong auditId,
        Optional<Decision> shadow) {

    /** An outcome as a link produces it, before the chain settles it. */
    public CallOutcome(Decision decision, CallStatus status, JsonNode result, long responseBytes) {
        this(decision, status, result, responseBytes, Optional.empty(), OptionalLong.empty());
    }

    /** A settled outcome on which no shadow candidate disagreed. */
    public CallOutcome(
            Decision decision,
            CallStatus status,
            JsonNode result,
            long responseBytes,
            Optional<ToolCall> call,
            OptionalLong auditId) {
        this(decision, status, result, responseBytes, call, auditId, Optional.empty());
    }

    /** A blocked call answered as MCP says a tool failure is answered: a result with isError. */
    public static CallOutcome blocked(Decision decision) {
        String text = decision.message();
        if (decision.retryAfter().isPresent()) {
            double seconds = decision.retryAfter().get().toMillis() / 1000.0;
            // Tenths of a second would print a wait of a few milliseconds as "0.0 s", which reads as "now".
            text = text
                    + (seconds < 1
                            ? " Retry in under 1 s."
                            : " Retry after " + String.format(java.util.Locale.ROOT, "%.1f", seconds) + " s.");
        }
        ObjectNode result = errorResult(text);
        ObjectNode meta = result.putObject("_meta").putObject("tollgate");
        meta.put("decision", "blocked");
        meta.put("rule", decision.rule());
        decision.source().ifPresent(s -> meta.put("source", s));
        decision.retryAfter().ifPresent(d -> meta.put("retryAfterMs", d.toMillis()));
        return new CallOutcome(decision, CallStatus.ERROR, result, 0);
    }

    /** An allowed call that failed on the way (upstream down, timeout): still a tool result, never a dropped answer. */
    public static CallOutcome failed(Decision decision, CallStatus status, String text) {
        return new CallOutcome(decision, status, errorResult(text), 0);
    }

    /**
     * This outcome as recorded when the agent cancelled the call meanwhile: an error whose reason keeps the
     * deciding rule and says the agent cancelled (the agent itself gets no answer, as MCP says).
     */
    public CallOutcome cancelledByAgent(String why) {
        String text = "cancelled by the agent: " + why;
        Decision cancelled = new Decision(
                decision.verdict(),
                decision.reason(),
                decision.rule(),
                decision.source(),
                decision.message() + "; " + text,
                decision.retryAfter());
        return new CallOutcome(cancelled, CallStatus.ERROR, errorResult(text), 0, call, auditId, shadow);
    }

    public static ObjectNode errorResult(String text) {
        ObjectNode result = Json.object();
        result.putArray("content").addObject().put("type", "text").put("text", text);
        result.put("isError", true);
        return result;
    }
}
