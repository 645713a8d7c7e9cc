package dev.tollgate.policy;

import dev.tollgate.history.CallHistory;
import dev.tollgate.pipeline.CallOutcome;
import dev.tollgate.pipeline.Decision;
import dev.tollgate.pipeline.Interceptor;

/**
 * Applies the policy of the call's snapshot. A denied call stops here; for an allowed call the allowing rule (and
 * its source) is recorded as the call's decision, which stands unless a later link blocks the call.
 */
public final class PolicyInterceptor implements Interceptor {
    private final CallHistory history;

    public PolicyInterceptor() {
        this(CallHistory.NONE);
    }

    /** Conditions see the earlier calls of the session and conversation in {@code history}. */
    public PolicyInterceptor(CallHistory history) {
        this.history = history;
    }

    @Override
    public CallOutcome intercept(Chain chain) {
        Decision decision = chain.snapshot().policy().decide(chain.call(), history);
        if (decision.isBlocked()) {
            return CallOutcome.blocked(decision);
        }
        chain.state().allow(decision);
        return chain.proceed(chain.call());
    }
}
