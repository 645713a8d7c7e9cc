package dev.tollgate.ratelimit;

import dev.tollgate.pipeline.CallOutcome;
import dev.tollgate.pipeline.Decision;
import dev.tollgate.pipeline.Interceptor;
import java.time.Clock;
import java.util.List;
import java.util.Optional;
import java.util.function.Supplier;

/** The rate-limit link: a call over any of its limits is answered with when to retry and goes no further. */
public final class RateLimitInterceptor implements Interceptor {
    private final Supplier<List<LimitRule>> limits;
    private final RateLimiter limiter;
    private final Clock clock;

    /** {@code limits} is read per call, so a hot-reloaded policy's limits apply to the next call. */
    public RateLimitInterceptor(Supplier<List<LimitRule>> limits, RateLimiter limiter, Clock clock) {
        this.limits = limits;
        this.limiter = limiter;
        this.clock = clock;
    }

    @Override
    public CallOutcome intercept(Chain chain) {
        Optional<Decision> refused = limiter.check(chain.call(), limits.get(), clock.instant());
        if (refused.isPresent()) {
            return CallOutcome.blocked(refused.get());
        }
        return chain.proceed(chain.call());
    }
}
