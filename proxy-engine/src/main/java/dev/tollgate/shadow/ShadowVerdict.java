package dev.tollgate.shadow;

import dev.tollgate.pipeline.Decision;

/** How the shadow candidate would have decided a call where it disagreed with the policy in force. */
public record ShadowVerdict(String decision, String rule) {

    public static ShadowVerdict of(Decision decision) {
        return new ShadowVerdict(decision.verdict().wire(), decision.rule());
    }
}
