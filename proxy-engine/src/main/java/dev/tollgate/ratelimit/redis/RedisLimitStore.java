package dev.tollgate.ratelimit.redis;

import dev.tollgate.ratelimit.Acquisition;
import dev.tollgate.ratelimit.LimitStore;
import dev.tollgate.ratelimit.LimitStoreUnavailableException;
import dev.tollgate.ratelimit.Rate;
import io.lettuce.core.ScriptOutputType;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Token buckets in Redis, shared by every Tollgate instance that names the same server: the same GCRA state as
 * the in-memory store (one number per bucket, when it is full again), taken and checked in one Lua script, so
 * each call is atomic. The script answers {wait, time until full}, both in microseconds. Time is Redis's own clock ({@code TIME}, microseconds), so instances whose clocks drift
 * still agree; the {@code now} argument is therefore not used. A bucket's key expires once it is full again.
 */
public final class RedisLimitStore implements LimitStore {
    private static final Logger LOG = LoggerFactory.getLogger(RedisLimitStore.class);
    private static final String PREFIX = "tollgate:limit:";

    private static final RedisConnection.Script ACQUIRE = RedisConnection.script("""
            local t = redis.call('TIME')
            local now = tonumber(t[1]) * 1000000 + tonumber(t[2])
            local interval = tonumber(ARGV[1])
            local tolerance = tonumber(ARGV[2])
            local stored = tonumber(redis.call('GET', KEYS[1]))
            local base = now
            if stored ~= nil and stored > now then base = stored end
            local nxt = base + interval
            if nxt - now > tolerance then return {nxt - now - tolerance, tolerance} end
            redis.call('SET', KEYS[1], string.format('%.0f', nxt), 'PX', math.floor((nxt - now) / 1000) + 1)
            return {0, nxt - now}
            """);
    private static final RedisConnection.Script RELEASE = RedisConnection.script("""
            local stored = tonumber(redis.call('GET', KEYS[1]))
            if stored ~= nil then
              redis.call('SET', KEYS[1], string.format('%.0f', stored - tonumber(ARGV[1])), 'KEEPTTL')
            end
            return 0
            """);

    private final RedisConnection redis;

    public RedisLimitStore(RedisConnection redis) {
        this.redis = redis;
    }

    @Override
    public Acquisition acquire(String key, Rate rate, Instant now) {
        long interval = intervalMicros(rate);
        long tolerance = Math.multiplyExact(interval, rate.burst());
        List<Long> reply = redis.eval(
                ACQUIRE,
                ScriptOutputType.MULTI,
                new String[] {PREFIX + key},
                Long.toString(interval),
                Long.toString(tolerance));
        long waitMicros = reply.get(0);
        return waitMicros > 0
                ? Acquisition.refused(Duration.ofNanos(waitMicros * 1000))
                : Acquisition.granted((double) reply.get(1) / tolerance);
    }

    @Override
    public void release(String key, Rate rate) {
        try {
            redis.<Long>eval(
                    RELEASE,
                    ScriptOutputType.INTEGER,
                    new String[] {PREFIX + key},
                    Long.toString(intervalMicros(rate)));
        } catch (LimitStoreUnavailableException e) {
            LOG.debug("could not give back a token to {}: {}", key, e.getMessage());
        }
    }

    private static long intervalMicros(Rate rate) {
        return Math.max(1, rate.period().toNanos() / 1000 / rate.count());
    }
}
