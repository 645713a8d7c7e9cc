package dev.tollgate.ratelimit.redis;

import dev.tollgate.config.TollgateConfig;
import dev.tollgate.loopbreaker.InMemoryRepeatWindow;
import dev.tollgate.loopbreaker.RepeatWindow;
import dev.tollgate.ratelimit.InMemoryLimitStore;
import dev.tollgate.ratelimit.LimitStoreSettings;
import dev.tollgate.ratelimit.RateLimiter;
import java.util.Optional;

/** The stores behind the rate-limit and loop-breaker links, as {@code limitStore} chose: memory, or one Redis for both. */
public record LimitBackends(RateLimiter limiter, RepeatWindow repeats, Optional<RedisConnection> redis)
        implements AutoCloseable {

    /** Opens what the configuration names; a Redis that is down now is reconnected to on later calls. */
    public static LimitBackends open(TollgateConfig config) {
        LimitStoreSettings settings = LimitStoreSettings.from(config);
        if (settings.redisUrl().isEmpty()) {
            InMemoryLimitStore store = new InMemoryLimitStore();
            return new LimitBackends(
                    new RateLimiter(store, settings.failure()), new InMemoryRepeatWindow(), Optional.empty());
        }
        RedisConnection redis;
        try {
            redis = new RedisConnection(settings.redisUrl().get());
        } catch (IllegalArgumentException e) {
            throw config.sourceMap().error("/limitStore", e.getMessage());
        }
        redis.tryConnect();
        RedisLimitStore store = new RedisLimitStore(redis);
        return new LimitBackends(
                new RateLimiter(store, settings.failure()), new RedisRepeatWindow(redis), Optional.of(redis));
    }

    @Override
    public void close() {
        redis.ifPresent(RedisConnection::close);
    }
}
