package dev.tollgate.engine;

import dev.tollgate.identity.AgentIdentity;
import dev.tollgate.pipeline.CallOutcome;
import dev.tollgate.pipeline.Interceptor;
import dev.tollgate.pipeline.Pipeline;
import dev.tollgate.pipeline.ToolCall;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.Function;

/**
 * Runs some links (the rate limit and loop breaker) on a re-sent call as if the original agent had made it, so
 * a re-send spends that agent's budget and meets its tripped breaker; the rest of the chain, and the audit
 * record, still see {@code tollgate-replay}. Calls it has no original agent for run those links unchanged.
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
        List<Interceptor> inner = new ArrayList<>(links);
        inner.add(passed -> chain.proceed(call));
        return new Pipeline(inner).execute(original.apply(call).map(call::withAgent).orElse(call), chain.context());
    }
}
