package dev.tollgate.shadow;

import dev.tollgate.events.EngineEvent;
import dev.tollgate.events.EventBus;
import dev.tollgate.history.CallHistory;
import dev.tollgate.pipeline.BlockReason;
import dev.tollgate.pipeline.CallOutcome;
import dev.tollgate.pipeline.Decision;
import dev.tollgate.pipeline.Interceptor;
import dev.tollgate.pipeline.ToolCall;
import dev.tollgate.policy.CandidateDecider;
import dev.tollgate.policy.CompiledPolicy;
import java.time.Clock;
import java.util.EnumSet;
import java.util.Optional;
import java.util.Set;
import java.util.function.Supplier;

/**
 * Decides every call a second time by the shadow candidate (rules, conditions, limits and breaker on its own
 * buckets) and enforces nothing from it. When the candidate would have decided the other way than the chain did,
 * the candidate's decision is recorded on the call's state (the audit record keeps it as {@code shadowDecision} and
 * {@code shadowRule}) and published as {@link EngineEvent.ShadowDisagreed}. Calls blocked for reasons no policy decides (a changed tool definition, a
 * person's denial) are not compared.
 */
public final class ShadowInterceptor implements Interceptor {
    private static final Set<BlockReason> COMPARABLE =
            EnumSet.of(BlockReason.NONE, BlockReason.POLICY, BlockReason.RATE_LIMIT, BlockReason.LOOP_BREAKER);

    private final Supplier<Optional<CompiledPolicy>> candidate;
    private final CallHistory history;
    private final CandidateDecider decider = new CandidateDecider();
    private final EventBus events;
    private final Clock clock;

    public ShadowInterceptor(
            Supplier<Optional<CompiledPolicy>> candidate, CallHistory history, EventBus events, Clock clock) {
        this.candidate = candidate;
        this.history = history;
        this.events = events;
        this.clock = clock;
    }

    @Override
    public CallOutcome intercept(Chain chain) {
        Optional<CompiledPolicy> shadow = candidate.get();
        if (shadow.isEmpty()) {
            return chain.proceed(chain.call());
        }
        ToolCall call = chain.call();
        Decision would = decider.decide(shadow.get(), call, history, clock.instant());
        CallOutcome outcome = chain.proceed(call);
        Decision live = chain.state().decision().orElse(outcome.decision());
        if (COMPARABLE.contains(live.reason()) && live.isBlocked() != would.isBlocked()) {
            chain.state().shadow(would);
            events.publish(new EngineEvent.ShadowDisagreed(
                    clock.instant(), chain.state().call(), live, ShadowVerdict.of(would)));
        }
        return outcome;
    }
}
