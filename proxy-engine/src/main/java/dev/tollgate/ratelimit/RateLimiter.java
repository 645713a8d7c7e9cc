package dev.tollgate.ratelimit;

import dev.tollgate.pipeline.BlockReason;
import dev.tollgate.pipeline.Decision;
import dev.tollgate.pipeline.ToolCall;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * Applies every limit that counts a call: the call passes only when each of their buckets has a token.
 * When one refuses, the tokens already taken for the call are given back, so a refused call costs nothing.
 */
public final class RateLimiter {
    private final LimitStore store;

    public RateLimiter(LimitStore store) {
        this.store = store;
    }

    /** Empty when the call may proceed, else the limited decision naming the limit and when to retry. */
    public Optional<Decision> check(ToolCall call, List<LimitRule> limits, Instant now) {
        List<LimitRule> taken = new ArrayList<>(limits.size());
        List<String> keys = new ArrayList<>(limits.size());
        for (LimitRule limit : limits) {
            if (!limit.appliesTo(call)) {
                continue;
            }
            String key = limit.bucketKey(call);
            Acquisition acquisition = store.acquire(key, limit.rate(), now);
            if (!acquisition.granted()) {
                for (int i = 0; i < taken.size(); i++) {
                    store.release(keys.get(i), taken.get(i).rate());
                }
                return Optional.of(Decision.limited(BlockReason.RATE_LIMIT, limit.name(), Optional.of(limit.source()),
                        message(call, limit), acquisition.retryAfter()));
            }
            taken.add(limit);
            keys.add(key);
        }
        return Optional.empty();
    }

    private static String message(ToolCall call, LimitRule limit) {
        String whose = switch (limit.scope()) {
            case AGENT_TOOL -> "agent " + call.agentId() + " on " + call.tool().qualified();
            case AGENT -> "agent " + call.agentId();
            case USER -> "user " + call.user().map(u -> u.subject()).orElse("");
            case TOOL -> "all agents on " + call.tool().qualified();
        };
        return String.format(Locale.ROOT, "Tollgate rate-limited %s: limit '%s' (%s) allows %s for %s.",
                call.tool().qualified(), limit.name(), limit.source(), limit.rate(), whose);
    }
}
