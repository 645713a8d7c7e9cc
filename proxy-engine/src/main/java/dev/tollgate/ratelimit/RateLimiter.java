package dev.tollgate.ratelimit;

import dev.tollgate.pipeline.BlockReason;
import dev.tollgate.pipeline.Decision;
import dev.tollgate.pipeline.ToolCall;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Applies every limit that counts a call: the call passes only when each of their buckets has a token.
 * When one refuses, the tokens already taken for the call are given back, so a refused call costs nothing.
 * When the store cannot be reached, {@link LimitStoreFailure} says whether the limit refuses or steps aside.
 */
public final class RateLimiter {
    private final LimitStore store;
    private final LimitStoreFailure failure;
    private final Map<String, Double> fill = new ConcurrentHashMap<>();
    /** Per agent and tool, the level of each bucket its latest limited call drew from, by limit name. */
    private final Map<String, Map<String, BucketLevel>> levels = new ConcurrentHashMap<>();

    public RateLimiter(LimitStore store) {
        this(store, LimitStoreFailure.CLOSED);
    }

    public RateLimiter(LimitStore store, LimitStoreFailure failure) {
        this.store = store;
        this.failure = failure;
    }

    /** Empty when the call may proceed, else the limited decision naming the limit and when to retry. */
    public Optional<Decision> check(ToolCall call, List<LimitRule> limits, Instant now) {
        List<LimitRule> taken = new ArrayList<>(limits.size());
        List<String> keys = new ArrayList<>(limits.size());
        List<BucketLevel> drawn = new ArrayList<>(limits.size());
        for (LimitRule limit : limits) {
            if (!limit.appliesTo(call)) {
                continue;
            }
            String key = limit.bucketKey(call);
            Acquisition acquisition;
            try {
                acquisition = store.acquire(key, limit.rate(), now);
            } catch (LimitStoreUnavailableException e) {
                if (failure == LimitStoreFailure.OPEN) {
                    continue;
                }
                giveBack(taken, keys);
                return Optional.of(Decision.blocked(
                        BlockReason.RATE_LIMIT,
                        limit.name() + " (limit store unreachable)",
                        Optional.of(limit.source()),
                        unreachable(call, limit, e)));
            }
            fill.put(limit.name(), acquisition.fill());
            if (!acquisition.granted()) {
                giveBack(taken, keys);
                note(call, List.of(new BucketLevel(limit.name(), limit.rate(), 1.0, now)));
                return Optional.of(Decision.limited(
                        BlockReason.RATE_LIMIT,
                        limit.name(),
                        Optional.of(limit.source()),
                        message(call, limit),
                        acquisition.retryAfter()));
            }
            taken.add(limit);
            keys.add(key);
            drawn.add(new BucketLevel(limit.name(), limit.rate(), acquisition.fill(), now));
        }
        note(call, drawn);
        return Optional.empty();
    }

    /**
     * The buckets this agent's latest limited call to this tool drew from (a refused call: the bucket that refused
     * it), so a chart can show how close the pair is to its limit; empty before such a call.
     */
    public List<BucketLevel> levels(String agentId, String tool) {
        return List.copyOf(levels.getOrDefault(agentId + "|" + tool, Map.of()).values());
    }

    private void note(ToolCall call, List<BucketLevel> drawn) {
        if (drawn.isEmpty()) {
            return;
        }
        Map<String, BucketLevel> pair =
                levels.computeIfAbsent(call.agentId() + "|" + call.tool().qualified(), k -> new ConcurrentHashMap<>());
        drawn.forEach(level -> pair.put(level.limit(), level));
    }

    /**
     * Per limit name, how full the bucket the latest call under that limit drew from is (0 to 1; 1 means the next
     * call waits): the limit fill gauge of the metrics.
     */
    public Map<String, Double> fillLevels() {
        return Map.copyOf(fill);
    }

    private void giveBack(List<LimitRule> taken, List<String> keys) {
        for (int i = 0; i < taken.size(); i++) {
            try {
                store.release(keys.get(i), taken.get(i).rate());
            } catch (LimitStoreUnavailableException e) {
                // The store went away between taking and giving back: the token is lost, which errs on the limit's
                // side.
                return;
            }
        }
    }

    private static String unreachable(ToolCall call, LimitRule limit, LimitStoreUnavailableException e) {
        return String.format(
                Locale.ROOT,
                "Tollgate refused %s: the shared limit store %s is unreachable, so limit '%s'"
                        + " (%s) cannot be counted, and calls under it are refused until it is back (limitStoreFailure: closed).",
                call.tool().qualified(),
                e.store(),
                limit.name(),
                limit.source());
    }

    private static String message(ToolCall call, LimitRule limit) {
        String whose = switch (limit.scope()) {
            case AGENT_TOOL -> "agent " + call.agentId() + " on " + call.tool().qualified();
            case AGENT -> "agent " + call.agentId();
            case USER -> "user " + call.user().map(u -> u.subject()).orElse("");
            case TOOL -> "all agents on " + call.tool().qualified();
        };
        return String.format(
                Locale.ROOT,
                "Tollgate rate-limited %s: limit '%s' (%s) allows %s for %s.",
                call.tool().qualified(),
                limit.name(),
                limit.source(),
                limit.rate(),
                whose);
    }
}
