package dev.tollgate.loopbreaker;

import dev.tollgate.events.EngineEvent;
import dev.tollgate.events.EventBus;
import dev.tollgate.pipeline.CallOutcome;
import dev.tollgate.pipeline.Interceptor;
import dev.tollgate.upstream.ModernCallParams;
import java.time.Clock;
import java.time.Instant;

/** The loop-breaker link: refuses an agent's identical repeated call and tells the event bus when it trips. */
public final class LoopBreakerInterceptor implements Interceptor {
    private final LoopBreaker breaker;
    private final EventBus events;
    private final Clock clock;

    /** The settings come from each call's snapshot, so a hot-reloaded policy's breaker applies from the next call. */
    public LoopBreakerInterceptor(EventBus events, Clock clock) {
        this(new InMemoryRepeatWindow(), events, clock);
    }

    /** A breaker whose repeats live in {@code window} (shared by several instances when it is Redis). */
    public LoopBreakerInterceptor(RepeatWindow window, EventBus events, Clock clock) {
        this.breaker = new LoopBreaker(window);
        this.events = events;
        this.clock = clock;
    }

    @Override
    public CallOutcome intercept(Chain chain) {
        if (ModernCallParams.laterRound(chain.call().meta())) {
            // A later round of a multi-round-trip call counted with its first round.
            return chain.proceed(chain.call());
        }
        Instant now = clock.instant();
        LoopBreaker.Verdict verdict =
                breaker.check(chain.call(), chain.snapshot().loopBreaker(), now);
        if (verdict.tripped()) {
            events.publish(new EngineEvent.LoopBreakerTripped(
                    now,
                    chain.call().agentId(),
                    chain.call().tool().qualified(),
                    verdict.rule().maxRepeats() + 1,
                    LoopRule.human(verdict.rule().window())));
        }
        if (verdict.refusal().isPresent()) {
            return CallOutcome.blocked(verdict.refusal().get());
        }
        return chain.proceed(chain.call());
    }
}
