package dev.tollgate.pipeline;

import dev.tollgate.identity.AgentIdentity;
import dev.tollgate.identity.Authenticator;
import dev.tollgate.loopbreaker.LoopBreakerSettings;
import dev.tollgate.loopbreaker.LoopRule;
import dev.tollgate.policy.CompiledPolicy;
import dev.tollgate.policy.Policy;
import dev.tollgate.ratelimit.LimitRule;
import java.util.List;
import java.util.Optional;

/**
 * Everything that decides a call, taken once when the call enters the chain: the authenticator, the policy, its
 * rate limits and its loop-breaker settings. Every link of the call reads this one snapshot, so a configuration
 * reload that lands mid-call takes effect from the next call on and can never mix two versions in one decision.
 */
public record CallSnapshot(
        Authenticator authenticator, Policy policy, List<LimitRule> limits, LoopBreakerSettings loopBreaker) {
    private static final String NOTHING = "this chain has no configuration to decide calls with";

    public CallSnapshot {
        limits = List.copyOf(limits);
    }

    /** The compiled policy in force with the authenticator built from the same configuration. */
    public static CallSnapshot of(CompiledPolicy policy, Authenticator authenticator) {
        return new CallSnapshot(authenticator, policy, policy.limits(), policy.loopBreaker());
    }

    /** A snapshot that refuses every agent and denies every call: chains built without configuration fail closed. */
    public static CallSnapshot refuseAll() {
        return identityOnly(credentials -> new Authenticator.AuthResult.Refused(NOTHING));
    }

    /** Agents as the authenticator says; every call denied, no limits, no breaker (chains that only identify). */
    public static CallSnapshot identityOnly(Authenticator authenticator) {
        Policy denyAll = new Policy() {
            @Override
            public Decision decide(ToolCall call) {
                return Decision.blocked(BlockReason.POLICY, "no policy", Optional.empty(), NOTHING);
            }

            @Override
            public boolean visible(AgentIdentity agent, ToolRef tool, ToolAnnotations annotations) {
                return false;
            }
        };
        return new CallSnapshot(
                authenticator, denyAll, List.of(), new LoopBreakerSettings(false, LoopRule.defaults(), List.of()));
    }
}
