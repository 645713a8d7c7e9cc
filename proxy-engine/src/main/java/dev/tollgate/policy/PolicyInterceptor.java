package dev.tollgate.policy;

import dev.tollgate.pipeline.CallOutcome;
import dev.tollgate.pipeline.Decision;
import dev.tollgate.pipeline.Interceptor;

/**
 * Applies the policy of the call's snapshot. A denied call stops here; for an allowed call the allowing rule (and
 * its source) is recorded as the call's decision, which stands unless a later link blocks the call.
 */
public final class PolicyInterceptor implements Interceptor {

    @Override
    public CallOutcome intercept(Chain chain) {
        Decision decision = chain.snapshot().policy().decide(chain.call());
        if (decision.isBlocked()) {
            return CallOutcome.blocked(decision);
        }
        chain.state().allow(decision);
        return chain.proceed(chain.call());
    }
}
