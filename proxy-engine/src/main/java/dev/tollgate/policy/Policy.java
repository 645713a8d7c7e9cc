package dev.tollgate.policy;

import dev.tollgate.history.CallHistory;
import dev.tollgate.identity.AgentIdentity;
import dev.tollgate.pipeline.Decision;
import dev.tollgate.pipeline.ToolAnnotations;
import dev.tollgate.pipeline.ToolCall;
import dev.tollgate.pipeline.ToolRef;
import java.util.Optional;

/** The rules half of governance: who may call which tool (limits and the loop breaker are separate links). */
public interface Policy {
    /** Decides one call by the agent's roles; never throws: a rule that cannot be evaluated blocks. */
    Decision decide(ToolCall call);

    /** As {@link #decide(ToolCall)}, with conditions seeing the earlier calls in {@code history}. */
    default Decision decide(ToolCall call, CallHistory history) {
        return decide(call);
    }

    /** The {@code approve:} rule that holds this (allowed) call for a human, if one matches. */
    default Optional<ApprovalRule> approval(ToolCall call, CallHistory history) {
        return Optional.empty();
    }

    /** Whether some condition asks about earlier calls, so the chain must keep their tallies. */
    default boolean usesHistory() {
        return false;
    }

    /** Whether the agent should see the tool in tools/list at all. */
    boolean visible(AgentIdentity agent, ToolRef tool, ToolAnnotations annotations);
}
