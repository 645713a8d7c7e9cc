package dev.tollgate.loopbreaker;

import dev.tollgate.events.EngineEvent;
import dev.tollgate.events.EventBus;
import dev.tollgate.pipeline.CallOutcome;
import dev.tollgate.pipeline.Interceptor;
import java.time.Clock;
import java.time.Instant;
import java.util.function.Supplier;

/** The loop-breaker link: refuses an agent's identical repeated call and tells the event bus when it trips. */
public final class LoopBreakerInterceptor implements Interceptor {
    private final Supplier<LoopBreakerSettings> settings;
    private final LoopBreaker breaker;
    private final EventBus events;
    private final Clock clock;

    /** {@code settings} is read per call, so a hot-reloaded policy's breaker applies to the next call. */
    public LoopBreakerInterceptor(Supplier<LoopBreakerSettings> settings, EventBus events, Clock clock) {
        this(settings, new InMemoryRepeatWindow(), events, clock);
    }

    /** A breaker whose repeats live in {@code window} (shared by several instances when it is Redis). */
    public LoopBreakerInterceptor(Supplier<LoopBreakerSettings> settings, RepeatWindow window, EventBus events,
                                  Clock clock) {
        this.settings = settings;
        this.breaker = new LoopBreaker(window);
        this.events = events;
        this.clock = clock;
    }

    @Override
    public CallOutcome intercept(Chain chain) {
        Instant now = clock.instant();
        LoopBreaker.Verdict verdict = breaker.check(chain.call(), settings.get(), now);
        if (verdict.tripped()) {
            events.publish(new EngineEvent.LoopBreakerTripped(now, chain.call().agentId(),
                    chain.call().tool().qualified(), verdict.rule().maxRepeats() + 1,
                    LoopRule.human(verdict.rule().window())));
        }
        if (verdict.refusal().isPresent()) {
            return CallOutcome.blocked(verdict.refusal().get());
        }
        return chain.proceed(chain.call());
    }
}
