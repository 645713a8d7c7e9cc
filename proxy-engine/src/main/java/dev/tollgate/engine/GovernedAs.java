package dev.tollgate.engine;

import dev.tollgate.identity.AgentIdentity;
import dev.tollgate.pipeline.CallContext;
import dev.tollgate.pipeline.CallOutcome;
import dev.tollgate.pipeline.CallState;
import dev.tollgate.pipeline.Interceptor;
import dev.tollgate.pipeline.ToolCall;
import java.util.List;
import java.util.Optional;
import java.util.function.Function;

/**
 * Runs some links (the rate limit and loop breaker) on a re-sent call as if the original agent had made it, so
 * a re-send spends that agent's budget and meets its tripped breaker; the rest of the chain, and the audit
 * record, still see {@code tollgate-replay}. The links share the call's state and snapshot. Calls it has no
 * original agent for run those links unchanged.
 */
final class GovernedAs implements Interceptor {
    private final Function<ToolCall, Optional<AgentIdentity>> original;
    private final List<Interceptor> links;

    GovernedAs(Function<ToolCall, Optional<AgentIdentity>> original, List<Interceptor> links) {
        this.original = original;
        this.links = List.copyOf(links);
    }

    @Override
    public CallOutcome intercept(Chain chain) {
        ToolCall call = chain.call();
        ToolCall governed = original.apply(call).map(call::withAgent).orElse(call);
        return new Inner(chain, governed, 0).proceed(governed);
    }

    /** The wrapped links' view of the chain: the governed call, then the outer chain with the call as it was. */
    private final class Inner implements Chain {
        private final Chain outer;
        private final ToolCall call;
        private final int index;

        Inner(Chain outer, ToolCall call, int index) {
            this.outer = outer;
            this.call = call;
            this.index = index;
        }

        @Override
        public ToolCall call() {
            return call;
        }

        @Override
        public CallContext context() {
            return outer.context();
        }

        @Override
        public CallState state() {
            return outer.state();
        }

        @Override
        public CallOutcome proceed(ToolCall next) {
            if (index == links.size()) {
                return outer.proceed(outer.call());
            }
            return links.get(index).intercept(new Inner(outer, next, index + 1));
        }
    }
}
