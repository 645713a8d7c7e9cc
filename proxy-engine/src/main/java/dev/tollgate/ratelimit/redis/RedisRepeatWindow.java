package dev.tollgate.ratelimit.redis;

import dev.tollgate.loopbreaker.InMemoryRepeatWindow;
import dev.tollgate.loopbreaker.LoopRule;
import dev.tollgate.loopbreaker.Repeat;
import dev.tollgate.loopbreaker.RepeatWindow;
import dev.tollgate.ratelimit.LimitStoreUnavailableException;
import io.lettuce.core.ScriptOutputType;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The loop breaker's recent calls in Redis, so one agent's loop spread over several instances trips one breaker:
 * per key a sorted set of call times within the window and a cool-down marker, both read and written in one Lua
 * script by Redis's clock. While Redis is unreachable the breaker keeps working on this instance's own memory
 * (a loop is still stopped, per instance) rather than blocking every call or none.
 */
public final class RedisRepeatWindow implements RepeatWindow {
    private static final String PREFIX = "tollgate:loop:";

    private static final RedisConnection.Script RECORD = RedisConnection.script("""
            local t = redis.call('TIME')
            local now = tonumber(t[1]) * 1000000 + tonumber(t[2])
            local maxRepeats = tonumber(ARGV[1])
            local window = tonumber(ARGV[2])
            local coolDown = tonumber(ARGV[3])
            local blockedUntil = tonumber(redis.call('GET', KEYS[2]))
            if blockedUntil ~= nil and now < blockedUntil then return {2, blockedUntil - now} end
            redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', string.format('%.0f', now - window))
            if redis.call('ZCARD', KEYS[1]) >= maxRepeats then
              redis.call('DEL', KEYS[1])
              redis.call('SET', KEYS[2], string.format('%.0f', now + coolDown), 'PX', math.floor(coolDown / 1000) + 1)
              return {1, coolDown}
            end
            redis.call('ZADD', KEYS[1], string.format('%.0f', now), ARGV[4])
            redis.call('PEXPIRE', KEYS[1], math.floor(window / 1000) + 1)
            return {0, 0}
            """);

    private final RedisConnection redis;
    private final InMemoryRepeatWindow fallback = new InMemoryRepeatWindow();
    private final String instance = UUID.randomUUID().toString();
    private final AtomicLong calls = new AtomicLong();

    public RedisRepeatWindow(RedisConnection redis) {
        this.redis = redis;
    }

    @Override
    public Repeat record(String key, LoopRule rule, Instant now) {
        // Hash tags keep both keys of one call in one slot, as a Redis Cluster needs for a script.
        String tagged = PREFIX + "{" + key + "}";
        List<Long> reply;
        try {
            reply = redis.eval(
                    RECORD,
                    ScriptOutputType.MULTI,
                    new String[] {tagged + ":recent", tagged + ":cooldown"},
                    Integer.toString(rule.maxRepeats()),
                    Long.toString(micros(rule.window())),
                    Long.toString(micros(rule.coolDown())),
                    instance + ":" + calls.incrementAndGet());
        } catch (LimitStoreUnavailableException e) {
            return fallback.record(key, rule, now);
        }
        Duration blocked = Duration.ofNanos(reply.get(1) * 1000);
        return switch (reply.get(0).intValue()) {
            case 1 -> Repeat.tripped(blocked);
            case 2 -> Repeat.coolingDown(blocked);
            default -> Repeat.PASSED;
        };
    }

    private static long micros(Duration d) {
        return d.toNanos() / 1000;
    }
}
