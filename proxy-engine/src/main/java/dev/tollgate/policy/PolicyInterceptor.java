package dev.tollgate.policy;

import dev.tollgate.history.CallHistory;
import dev.tollgate.pipeline.CallOutcome;
import dev.tollgate.pipeline.Decision;
import dev.tollgate.pipeline.Interceptor;
import dev.tollgate.upstream.ForwardingInterceptor;
import java.util.function.Supplier;

/**
 * Applies the policy in force at the moment of the call. A denied call stops here; an allowed call goes on,
 * and its outcome carries the policy's allow decision (the rule and its source) unless a later link blocked it.
 */
public final class PolicyInterceptor implements Interceptor {
    private final Supplier<Policy> policy;
    private final CallHistory history;

    public PolicyInterceptor(Supplier<Policy> policy) {
        this(policy, CallHistory.NONE);
    }

    /** Conditions see the earlier calls of the session and conversation in {@code history}. */
    public PolicyInterceptor(Supplier<Policy> policy, CallHistory history) {
        this.policy = policy;
        this.history = history;
    }

    @Override
    public CallOutcome intercept(Chain chain) {
        Decision decision = policy.get().decide(chain.call(), history);
        if (decision.isBlocked()) {
            return CallOutcome.blocked(decision);
        }
        CallOutcome downstream = chain.proceed(chain.call());
        if (downstream.decision().isBlocked() || !downstream.decision().equals(ForwardingInterceptor.FORWARDED)) {
            // Blocked later, or allowed with more to say (a person approved it): that decision is the record's.
            return downstream;
        }
        return new CallOutcome(decision, downstream.status(), downstream.result(), downstream.responseBytes());
    }
}
