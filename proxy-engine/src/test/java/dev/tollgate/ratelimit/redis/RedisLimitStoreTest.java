package dev.tollgate.ratelimit.redis;

import static dev.tollgate.policy.TestCalls.T0;
import static dev.tollgate.policy.TestCalls.call;
import static org.assertj.core.api.Assertions.assertThat;

import dev.tollgate.loopbreaker.LoopBreaker;
import dev.tollgate.loopbreaker.LoopBreakerSettings;
import dev.tollgate.pipeline.BlockReason;
import dev.tollgate.pipeline.Decision;
import dev.tollgate.pipeline.ToolAnnotations;
import dev.tollgate.pipeline.ToolCall;
import dev.tollgate.policy.CompiledPolicy;
import dev.tollgate.policy.TestCalls;
import dev.tollgate.ratelimit.Acquisition;
import dev.tollgate.ratelimit.LimitRule;
import dev.tollgate.ratelimit.LimitStoreFailure;
import dev.tollgate.ratelimit.Rate;
import dev.tollgate.ratelimit.RateLimiter;
import dev.tollgate.testing.RedisServer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Two "instances" (two connections, two limiters, two breakers) over one real redis-server: one bucket and one
 * loop window between them, and the configured choice while Redis is down.
 */
class RedisLimitStoreTest {
    @TempDir
    Path dir;

    private RedisServer redis;
    private final List<RedisConnection> connections = new ArrayList<>();

    @BeforeEach
    void startRedis() {
        redis = RedisServer.start();
    }

    @AfterEach
    void stopRedis() {
        connections.forEach(RedisConnection::close);
        redis.close();
    }

    private RedisConnection connect() {
        RedisConnection connection = new RedisConnection(redis.url());
        connections.add(connection);
        return connection;
    }

    private List<LimitRule> limits(String yaml) throws Exception {
        Path file = dir.resolve("limits.yaml");
        Files.writeString(file, yaml);
        return CompiledPolicy.from(TestCalls.load(file)).limits();
    }

    private static ToolCall refund(String agent, String order) {
        return call(
                agent,
                List.of("billing"),
                "payments.issueRefund",
                "{\"orderId\": \"" + order + "\"}",
                T0,
                ToolAnnotations.NONE);
    }

    private static ToolCall history(String agent) {
        return call(agent, List.of("billing"), "payments.getHistory", "{}", T0, ToolAnnotations.NONE);
    }

    @Test
    void twoInstancesDrawFromOneBucket() throws Exception {
        List<LimitRule> limits = limits(
                "roles: { billing: { allow: [\"payments.*\"]," + " limits: { \"payments.issueRefund\": \"3/h\" } } }");
        List<RateLimiter> instances = List.of(
                new RateLimiter(new RedisLimitStore(connect())), new RateLimiter(new RedisLimitStore(connect())));
        List<Decision> refusals = new ArrayList<>();
        int passed = 0;
        for (int i = 0; i < 10; i++) {
            Optional<Decision> refused = instances.get(i % 2).check(refund("billing-agent", "o-" + i), limits, T0);
            refused.ifPresent(refusals::add);
            passed += refused.isEmpty() ? 1 : 0;
        }
        assertThat(passed).isEqualTo(3);
        Decision first = refusals.get(0);
        assertThat(first.reason()).isEqualTo(BlockReason.RATE_LIMIT);
        assertThat(first.rule()).isEqualTo("role billing limit payments.issueRefund 3/h");
        assertThat(first.retryAfter().orElseThrow()).isPositive().isLessThanOrEqualTo(Duration.ofMinutes(20));
        assertThat(instances.get(0).check(refund("other-agent", "o-1"), limits, T0))
                .as("another agent's bucket")
                .isEmpty();
    }

    @Test
    void aTokenGivenBackCanBeTakenAgainOnAnyInstance() {
        RedisLimitStore one = new RedisLimitStore(connect());
        RedisLimitStore two = new RedisLimitStore(connect());
        Rate rate = Rate.parse("2/h");
        assertThat(one.acquire("k", rate, T0).granted()).isTrue();
        assertThat(two.acquire("k", rate, T0).granted()).isTrue();
        Acquisition third = one.acquire("k", rate, T0);
        assertThat(third.granted()).isFalse();
        assertThat(third.retryAfter()).isPositive();

        two.release("k", rate);
        assertThat(one.acquire("k", rate, T0).granted()).isTrue();
        assertThat(two.acquire("k", rate, T0).granted()).isFalse();
    }

    @Test
    void aLoopSpreadOverTwoInstancesTripsOneBreaker() {
        List<LoopBreaker> instances = List.of(
                new LoopBreaker(new RedisRepeatWindow(connect())), new LoopBreaker(new RedisRepeatWindow(connect())));
        LoopBreakerSettings settings = LoopBreakerSettings.builtIn();
        for (int i = 0; i < 5; i++) {
            assertThat(instances
                            .get(i % 2)
                            .check(refund("billing-agent", "o-1"), settings, T0)
                            .refusal())
                    .as("identical call %d", i + 1)
                    .isEmpty();
        }
        LoopBreaker.Verdict sixth = instances.get(1).check(refund("billing-agent", "o-1"), settings, T0);
        assertThat(sixth.tripped()).isTrue();
        assertThat(sixth.refusal().orElseThrow().reason()).isEqualTo(BlockReason.LOOP_BREAKER);

        LoopBreaker.Verdict seventh = instances.get(0).check(refund("billing-agent", "o-1"), settings, T0);
        assertThat(seventh.tripped())
                .as("already tripped on the other instance")
                .isFalse();
        assertThat(seventh.refusal()).isPresent();
        assertThat(seventh.refusal().get().retryAfter().orElseThrow())
                .isPositive()
                .isLessThanOrEqualTo(Duration.ofSeconds(60));
        assertThat(instances
                        .get(0)
                        .check(refund("billing-agent", "o-2"), settings, T0)
                        .refusal())
                .as("other arguments")
                .isEmpty();
    }

    @Test
    void whileRedisIsDownLimitedCallsAreRefusedByDefaultAndPassWhenConfiguredOpen() throws Exception {
        List<LimitRule> limits = limits(
                "roles: { billing: { allow: [\"payments.*\"]," + " limits: { \"payments.issueRefund\": \"3/h\" } } }");
        RedisConnection connection = connect();
        RateLimiter closed = new RateLimiter(new RedisLimitStore(connection));
        RateLimiter open = new RateLimiter(new RedisLimitStore(connection), LimitStoreFailure.OPEN);
        assertThat(closed.check(refund("billing-agent", "o-1"), limits, T0)).isEmpty();
        redis.close();

        Decision refused =
                closed.check(refund("billing-agent", "o-2"), limits, T0).orElseThrow();
        assertThat(refused.reason()).isEqualTo(BlockReason.RATE_LIMIT);
        assertThat(refused.message())
                .contains("shared limit store redis://127.0.0.1:" + redis.port() + " is unreachable")
                .contains("limitStoreFailure: closed");
        assertThat(closed.check(history("billing-agent"), limits, T0))
                .as("a tool no limit counts")
                .isEmpty();
        assertThat(open.check(refund("billing-agent", "o-3"), limits, T0)).isEmpty();

        redis.restart();
        org.awaitility.Awaitility.await()
                .atMost(Duration.ofSeconds(30))
                .until(() ->
                        closed.check(refund("billing-agent", "o-4"), limits, T0).isEmpty());
    }

    @Test
    void whileRedisIsDownTheBreakerStillStopsALoopOnEachInstance() {
        LoopBreaker breaker = new LoopBreaker(new RedisRepeatWindow(connect()));
        redis.close();
        LoopBreakerSettings settings = LoopBreakerSettings.builtIn();
        for (int i = 0; i < 5; i++) {
            assertThat(breaker.check(refund("billing-agent", "o-1"), settings, T0)
                            .refusal())
                    .isEmpty();
        }
        assertThat(breaker.check(refund("billing-agent", "o-1"), settings, T0).tripped())
                .isTrue();
    }
}
