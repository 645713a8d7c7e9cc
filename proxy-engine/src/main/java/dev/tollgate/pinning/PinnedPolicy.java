package dev.tollgate.pinning;

import dev.tollgate.history.CallHistory;
import dev.tollgate.identity.AgentIdentity;
import dev.tollgate.pipeline.BlockReason;
import dev.tollgate.pipeline.Decision;
import dev.tollgate.pipeline.ToolAnnotations;
import dev.tollgate.pipeline.ToolCall;
import dev.tollgate.pipeline.ToolRef;
import dev.tollgate.policy.ApprovalRule;
import dev.tollgate.policy.Policy;
import java.util.Optional;

/**
 * The policy as the pins let it apply: a tool withheld for a changed definition is neither listed nor callable,
 * whatever the roles say; every other tool is decided by the policy underneath.
 */
public final class PinnedPolicy implements Policy {
    /** The rule name a withheld tool's blocked calls are recorded under. */
    public static final String RULE = "pinning";

    private final Policy policy;
    private final ToolPins pins;

    public PinnedPolicy(Policy policy, ToolPins pins) {
        this.policy = policy;
        this.pins = pins;
    }

    @Override
    public Decision decide(ToolCall call) {
        return withheld(call).orElseGet(() -> policy.decide(call));
    }

    @Override
    public Decision decide(ToolCall call, CallHistory history) {
        return withheld(call).orElseGet(() -> policy.decide(call, history));
    }

    private Optional<Decision> withheld(ToolCall call) {
        ToolRef tool = call.tool();
        if (!pins.withheld(tool)) {
            return Optional.empty();
        }
        Optional<String> lock = pins.settings().file().map(f -> f.getFileName().toString());
        return Optional.of(Decision.blocked(
                BlockReason.TOOL_CHANGED,
                RULE,
                lock,
                "Tollgate blocked " + tool + ": its definition changed since it was pinned"
                        + lock.map(f -> " in " + f).orElse("") + ", so it is withheld until an operator reviews and "
                        + "approves the new definition (tollgate tools diff, tollgate tools approve " + tool + ")."));
    }

    @Override
    public Optional<ApprovalRule> approval(ToolCall call, CallHistory history) {
        return policy.approval(call, history);
    }

    @Override
    public boolean usesHistory() {
        return policy.usesHistory();
    }

    @Override
    public boolean visible(AgentIdentity agent, ToolRef tool, ToolAnnotations annotations) {
        return !pins.withheld(tool) && policy.visible(agent, tool, annotations);
    }
}
