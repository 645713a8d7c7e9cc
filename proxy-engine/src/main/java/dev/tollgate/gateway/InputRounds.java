package dev.tollgate.gateway;

import dev.tollgate.pipeline.ToolRef;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import tools.jackson.databind.JsonNode;

/**
 * The {@code requestState}s Tollgate relayed to agents in {@code input_required} results: a later round of a
 * multi-round-trip call is one only when it returns a state Tollgate handed that agent for that tool, so an
 * agent cannot pass an invented state off as a later round to escape rate limits or the loop breaker. Each
 * state counts once, and is forgotten after an hour.
 */
final class InputRounds {
    private static final Duration KEPT = Duration.ofHours(1);
    private static final int MAX = 100_000;

    private record Round(String agent, ToolRef tool, String requestState) {}

    private final Map<Round, Instant> issued = new ConcurrentHashMap<>();

    /** Remembers the state of an {@code input_required} result given to the agent. */
    void answered(String agent, ToolRef tool, JsonNode result, Instant now) {
        if (!"input_required".equals(result.path("resultType").asString(""))
                || !result.path("requestState").isString()) {
            return;
        }
        if (issued.size() >= MAX) {
            issued.values().removeIf(at -> at.plus(KEPT).isBefore(now));
        }
        if (issued.size() < MAX) {
            issued.put(new Round(agent, tool, result.get("requestState").asString()), now);
        }
    }

    /** Whether these params continue a round Tollgate relayed (their state is then used up). */
    boolean continues(String agent, ToolRef tool, JsonNode params, Instant now) {
        JsonNode state = params.path("requestState");
        if (!state.isString()) {
            return false;
        }
        Instant at = issued.remove(new Round(agent, tool, state.asString()));
        return at != null && !at.plus(KEPT).isBefore(now);
    }
}
