package dev.tollgate.ratelimit;

import dev.tollgate.pipeline.CallOutcome;
import dev.tollgate.pipeline.Decision;
import dev.tollgate.pipeline.Interceptor;
import dev.tollgate.upstream.ModernCallParams;
import java.time.Clock;
import java.util.Optional;

/** The rate-limit link: a call over any of its limits is answered with when to retry and goes no further. */
public final class RateLimitInterceptor implements Interceptor {
    private final RateLimiter limiter;
    private final Clock clock;

    /** The limits come from each call's snapshot, so a hot-reloaded policy's limits apply from the next call. */
    public RateLimitInterceptor(RateLimiter limiter, Clock clock) {
        this.limiter = limiter;
        this.clock = clock;
    }

    @Override
    public CallOutcome intercept(Chain chain) {
        if (ModernCallParams.laterRound(chain.call().meta())) {
            // A later round of a multi-round-trip call counted with its first round.
            return chain.proceed(chain.call());
        }
        Optional<Decision> refused =
                limiter.check(chain.call(), chain.snapshot().limits(), clock.instant());
        if (refused.isPresent()) {
            return CallOutcome.blocked(refused.get());
        }
        return chain.proceed(chain.call());
    }
}
