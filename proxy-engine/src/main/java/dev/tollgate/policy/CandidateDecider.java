package dev.tollgate.policy;

import dev.tollgate.history.CallHistory;
import dev.tollgate.loopbreaker.LoopBreaker;
import dev.tollgate.pipeline.Decision;
import dev.tollgate.pipeline.ToolCall;
import dev.tollgate.ratelimit.InMemoryLimitStore;
import dev.tollgate.ratelimit.RateLimiter;
import java.time.Instant;
import java.util.Optional;

/**
 * Decides calls the way a whole policy would, without enforcing anything: role rules and conditions, then its
 * rate limits and loop breaker on buckets and a breaker history of its own. Used to replay history through a
 * candidate ({@link PolicyPreview}) and to judge live calls by a shadow policy.
 */
public final class CandidateDecider {
    private final RateLimiter limiter = new RateLimiter(new InMemoryLimitStore());
    private final LoopBreaker breaker = new LoopBreaker();

    /** The candidate's decision on {@code call} at {@code at}; allowed calls take tokens from its own buckets. */
    public Decision decide(CompiledPolicy candidate, ToolCall call, CallHistory history, Instant at) {
        Decision decision = candidate.decide(call, history);
        if (decision.isBlocked()) {
            return decision;
        }
        Optional<Decision> limited = limiter.check(call, candidate.limits(), at);
        if (limited.isPresent()) {
            return limited.get();
        }
        return breaker.check(call, candidate.loopBreaker(), at).refusal().orElse(decision);
    }
}
