package dev.tollgate.ratelimit;

import static dev.tollgate.policy.TestCalls.T0;
import static dev.tollgate.policy.TestCalls.call;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import dev.tollgate.pipeline.BlockReason;
import dev.tollgate.pipeline.CallOutcome;
import dev.tollgate.pipeline.Decision;
import dev.tollgate.pipeline.ToolAnnotations;
import dev.tollgate.pipeline.ToolCall;
import dev.tollgate.policy.CompiledPolicy;
import dev.tollgate.policy.TestCalls;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Token buckets driven by a simulated clock: exact burst, retry time, refill, and each scope. */
class RateLimiterTest {
    @TempDir
    Path dir;

    private final RateLimiter limiter = new RateLimiter(new InMemoryLimitStore());

    private List<LimitRule> limits(String yaml) throws Exception {
        Path file = dir.resolve("limits.yaml");
        Files.writeString(file, yaml);
        return CompiledPolicy.from(TestCalls.load(file)).limits();
    }

    private static ToolCall refund(String agent, Instant at) {
        return call(agent, List.of("billing"), "payments.issueRefund", "{\"amount\": 10}", at, ToolAnnotations.NONE);
    }

    @Test
    void letsExactlyTheBurstThroughThenSaysWhenToRetry() throws Exception {
        List<LimitRule> limits = limits("""
                roles:
                  billing:
                    allow: ["payments.*"]
                    limits: { "payments.issueRefund": { rate: "10/min", burst: 3 } }
                """);
        for (int i = 0; i < 3; i++) {
            assertThat(limiter.check(refund("b", T0), limits, T0))
                    .as("call %d", i + 1)
                    .isEmpty();
        }
        Decision fourth = limiter.check(refund("b", T0), limits, T0).orElseThrow();
        assertThat(fourth.reason()).isEqualTo(BlockReason.RATE_LIMIT);
        assertThat(fourth.rule()).isEqualTo("role billing limit payments.issueRefund 10/min burst 3");
        assertThat(fourth.source()).hasValue(dir.resolve("limits.yaml") + ":4");
        assertThat(fourth.retryAfter()).hasValue(Duration.ofSeconds(6));
        assertThat(CallOutcome.blocked(fourth).result().toString()).contains("Retry after 6.0 s");

        Instant early = T0.plusSeconds(5);
        assertThat(limiter.check(refund("b", early), limits, early)
                        .orElseThrow()
                        .retryAfter())
                .hasValue(Duration.ofSeconds(1));
        Instant refilled = T0.plusSeconds(6);
        assertThat(limiter.check(refund("b", refilled), limits, refilled)).isEmpty();
        assertThat(limiter.check(refund("b", refilled), limits, refilled)).isPresent();
        assertThat(limiter.check(refund("other", refilled), limits, refilled))
                .as("another agent's bucket")
                .isEmpty();
    }

    @Test
    void thePairsBucketLevelFollowsItsCallsAndRefillsEvenly() throws Exception {
        List<LimitRule> limits = limits("""
                roles:
                  billing:
                    allow: ["payments.*"]
                    limits: { "payments.issueRefund": { rate: "10/min", burst: 3 } }
                """);
        assertThat(limiter.levels("b", "payments.issueRefund")).isEmpty();
        limiter.check(refund("b", T0), limits, T0);
        limiter.check(refund("b", T0), limits, T0);

        BucketLevel level = limiter.levels("b", "payments.issueRefund").get(0);
        assertThat(level.limit()).isEqualTo("role billing limit payments.issueRefund 10/min burst 3");
        assertThat(level.inUseAt(T0)).isCloseTo(2.0, within(1e-9));
        assertThat(level.inUseAt(T0.plusSeconds(6)))
                .as("one token back per 6 s")
                .isCloseTo(1.0, within(1e-9));
        assertThat(level.inUseAt(T0.plusSeconds(60))).isZero();
        assertThat(limiter.levels("other", "payments.issueRefund")).isEmpty();

        limiter.check(refund("b", T0), limits, T0);
        limiter.check(refund("b", T0), limits, T0);
        assertThat(limiter.levels("b", "payments.issueRefund"))
                .singleElement()
                .satisfies(empty -> assertThat(empty.inUseAt(T0))
                        .as("refused: bucket empty")
                        .isEqualTo(3.0));
    }

    @Test
    void aWaitUnderOneSecondReadsAsUnderOneSecondNotZero() throws Exception {
        List<LimitRule> limits = limits("""
                roles:
                  billing:
                    allow: ["payments.*"]
                    limits: { "payments.issueRefund": { rate: "20/s", burst: 1 } }
                """);
        assertThat(limiter.check(refund("b", T0), limits, T0)).isEmpty();
        Instant soon = T0.plusMillis(49);
        Decision refused = limiter.check(refund("b", soon), limits, soon).orElseThrow();
        assertThat(refused.retryAfter()).hasValue(Duration.ofMillis(1));
        assertThat(CallOutcome.blocked(refused).result().toString())
                .contains("Retry in under 1 s.")
                .doesNotContain("0.0 s");
    }

    @Test
    void burstDefaultsToTheCount() throws Exception {
        List<LimitRule> limits = limits("roles: { billing: { limits: { \"payments.*\": \"5/s\" } } }");
        long passed = 0;
        for (int i = 0; i < 8; i++) {
            passed += limiter.check(refund("b", T0), limits, T0).isEmpty() ? 1 : 0;
        }
        assertThat(passed).isEqualTo(5);
    }

    @Test
    void agentUserAndGlobalScopesShareTheirBuckets() throws Exception {
        List<LimitRule> limits = limits("""
                limits:
                  - { name: refunds-overall, tool: payments.issueRefund, per: tool, rate: 3/h }
                  - { tool: "crm.*", per: agent, rate: 2/min }
                  - { tool: "tickets.*", per: user, rate: 1/min }
                """);
        assertThat(limiter.check(refund("a", T0), limits, T0)).isEmpty();
        assertThat(limiter.check(refund("b", T0), limits, T0)).isEmpty();
        assertThat(limiter.check(refund("c", T0), limits, T0)).isEmpty();
        Decision global = limiter.check(refund("d", T0), limits, T0).orElseThrow();
        assertThat(global.rule()).isEqualTo("refunds-overall");
        assertThat(global.message()).contains("all agents on payments.issueRefund");
        assertThat(global.retryAfter()).hasValue(Duration.ofMinutes(20));

        ToolCall get = call("a", List.of(), "crm.getAccount", "{}");
        ToolCall update = call("a", List.of(), "crm.updateAccount", "{}");
        assertThat(limiter.check(get, limits, T0)).isEmpty();
        assertThat(limiter.check(update, limits, T0)).isEmpty();
        assertThat(limiter.check(get, limits, T0).orElseThrow().rule()).isEqualTo("limit crm.* 2/min per agent");

        ToolCall alice = TestCalls.asUser(call("a", List.of(), "tickets.create", "{}"), "alice");
        ToolCall aliceViaOtherAgent = TestCalls.asUser(call("b", List.of(), "tickets.create", "{}"), "alice");
        ToolCall bob = TestCalls.asUser(call("a", List.of(), "tickets.create", "{}"), "bob");
        assertThat(limiter.check(alice, limits, T0)).isEmpty();
        assertThat(limiter.check(aliceViaOtherAgent, limits, T0)).isPresent();
        assertThat(limiter.check(bob, limits, T0)).isEmpty();
        assertThat(limiter.check(call("a", List.of(), "tickets.create", "{}"), limits, T0))
                .as("a call without a user is not counted per user")
                .isEmpty();
    }

    @Test
    void aRefusedCallGivesBackTheTokensItTookFromOtherLimits() throws Exception {
        List<LimitRule> limits = limits("""
                limits:
                  - { name: per-agent, tool: "payments.*", per: agent, rate: 2/min }
                  - { name: refunds, tool: payments.issueRefund, per: tool, rate: 1/min }
                """);
        assertThat(limiter.check(refund("a", T0), limits, T0)).isEmpty();
        assertThat(limiter.check(refund("a", T0), limits, T0).orElseThrow().rule())
                .isEqualTo("refunds");
        ToolCall history = call("a", List.of(), "payments.getHistory", "{}");
        assertThat(limiter.check(history, limits, T0))
                .as("the refused refund did not spend the agent's token")
                .isEmpty();
        assertThat(limiter.check(history, limits, T0).map(Decision::rule)).isEqualTo(Optional.of("per-agent"));
    }

    @Test
    void ratesParseTheWaysPeopleWriteThem() {
        assertThat(Rate.parse("200/min")).isEqualTo(new Rate(200, Duration.ofMinutes(1), 200));
        assertThat(Rate.parse("10/s").intervalNanos()).isEqualTo(100_000_000L);
        assertThat(Rate.parse("1000/h").period()).isEqualTo(Duration.ofHours(1));
        assertThat(Rate.parse("5/10s").period()).isEqualTo(Duration.ofSeconds(10));
    }
}
