package dev.tollgate.loopbreaker;

import static dev.tollgate.policy.TestCalls.T0;
import static dev.tollgate.policy.TestCalls.call;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.tollgate.events.EngineEvent;
import dev.tollgate.events.EventBus;
import dev.tollgate.json.Json;
import dev.tollgate.pipeline.BlockReason;
import dev.tollgate.pipeline.CallContext;
import dev.tollgate.pipeline.CallOutcome;
import dev.tollgate.pipeline.CallSnapshot;
import dev.tollgate.pipeline.CallStatus;
import dev.tollgate.pipeline.Decision;
import dev.tollgate.pipeline.Pipeline;
import dev.tollgate.pipeline.ToolAnnotations;
import dev.tollgate.pipeline.ToolCall;
import dev.tollgate.policy.CompiledPolicy;
import dev.tollgate.policy.TestCalls;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** The breaker over a simulated clock: N identical calls pass, the N+1th is stopped, other arguments pass. */
class LoopBreakerTest {
    private final LoopBreaker breaker = new LoopBreaker();
    private final LoopBreakerSettings settings = LoopBreakerSettings.builtIn();

    private static ToolCall refund(String args, Instant at) {
        return call("billing-agent", List.of("billing"), "payments.issueRefund", args, at, ToolAnnotations.NONE);
    }

    @Test
    void stopsTheSixthIdenticalCallWithinAMinuteButNotOtherArguments() {
        for (int i = 0; i < 5; i++) {
            Instant at = T0.plusSeconds(i);
            assertThat(breaker.check(refund("{\"orderId\": \"o-1\", \"amount\": 10}", at), settings, at)
                            .refusal())
                    .isEmpty();
        }
        Instant sixth = T0.plusSeconds(5);
        LoopBreaker.Verdict tripped =
                breaker.check(refund("{\"amount\": 10.0, \"orderId\": \"o-1\"}", sixth), settings, sixth);
        assertThat(tripped.tripped()).isTrue();
        Decision refusal = tripped.refusal().orElseThrow();
        assertThat(refusal.reason()).isEqualTo(BlockReason.LOOP_BREAKER);
        assertThat(refusal.rule()).isEqualTo("loop breaker: more than 5 identical calls in 1 min");
        assertThat(refusal.retryAfter()).hasValue(Duration.ofSeconds(60));

        assertThat(breaker.check(refund("{\"orderId\": \"o-2\", \"amount\": 10}", sixth), settings, sixth)
                        .refusal())
                .isEmpty();
        LoopBreaker.Verdict again = breaker.check(
                refund("{\"orderId\": \"o-1\", \"amount\": 10}", sixth.plusSeconds(1)), settings, sixth.plusSeconds(1));
        assertThat(again.refusal()).isPresent();
        assertThat(again.tripped()).as("only the tripping call is reported").isFalse();

        Instant cooled = sixth.plusSeconds(60);
        assertThat(breaker.check(refund("{\"orderId\": \"o-1\", \"amount\": 10}", cooled), settings, cooled)
                        .refusal())
                .isEmpty();
    }

    @Test
    void callsSpreadBeyondTheWindowAreNotALoop() {
        for (int i = 0; i < 20; i++) {
            Instant at = T0.plusSeconds(13L * i);
            assertThat(breaker.check(refund("{\"orderId\": \"o-1\"}", at), settings, at)
                            .refusal())
                    .as("call %d", i)
                    .isEmpty();
        }
    }

    @Test
    void perToolSettingsComeFromTheConfiguration() throws Exception {
        LoopBreakerSettings configured =
                CompiledPolicy.from(TestCalls.load(TestCalls.INCIDENT)).loopBreaker();
        for (int i = 0; i < 5; i++) {
            assertThat(breaker.check(refund("{}", T0), configured, T0).refusal())
                    .isEmpty();
        }
        Decision refusal =
                breaker.check(refund("{}", T0), configured, T0).refusal().orElseThrow();
        assertThat(refusal.retryAfter()).hasValue(Duration.ofMinutes(5));
        assertThat(refusal.source().orElseThrow()).endsWith("incident.yaml:25");
        assertThat(new LoopBreakerSettings(false, LoopRule.defaults(), List.of()).ruleFor("payments.issueRefund"))
                .isEmpty();
    }

    @Test
    void argumentsAreComparedByValue() {
        assertThat(CanonicalArguments.canonical(Json.parse("{\"b\": [1.50, 2e1], \"a\": {\"y\": 1, \"x\": null}}")))
                .isEqualTo("{\"a\":{\"x\":null,\"y\":1},\"b\":[1.5,20]}");
        assertThat(CanonicalArguments.digest(Json.parse("{\"amount\": 100, \"id\": \"x\"}")))
                .isEqualTo(CanonicalArguments.digest(Json.parse("{\"id\": \"x\", \"amount\": 100.00}")))
                .isNotEqualTo(CanonicalArguments.digest(Json.parse("{\"id\": \"x\", \"amount\": 100.01}")));
    }

    @Test
    void theLinkBlocksAndPublishesOneTripEvent() {
        List<EngineEvent> events = new CopyOnWriteArrayList<>();
        AtomicInteger forwarded = new AtomicInteger();
        try (EventBus bus = new EventBus()) {
            bus.subscribe(events::add);
            Clock clock = Clock.fixed(T0, ZoneOffset.UTC);
            Pipeline pipeline = new Pipeline(
                    List.of(new LoopBreakerInterceptor(bus, clock), chain -> {
                        forwarded.incrementAndGet();
                        return new CallOutcome(
                                Decision.allowed("test", Optional.empty()), CallStatus.SUCCESS, Json.object(), 2);
                    }),
                    () -> {
                        CallSnapshot none = CallSnapshot.refuseAll();
                        return new CallSnapshot(none.authenticator(), none.policy(), List.of(), settings);
                    });
            CallContext context = new CallContext("2025-06-18", msg -> {}, Duration.ofSeconds(5));
            CallOutcome last = null;
            for (int i = 0; i < 8; i++) {
                last = pipeline.execute(refund("{\"orderId\": \"o-1\"}", T0), context);
            }
            assertThat(forwarded).hasValue(5);
            assertThat(last.decision().reason()).isEqualTo(BlockReason.LOOP_BREAKER);
            assertThat(last.result().path("isError").asBoolean()).isTrue();
            assertThat(last.result().toString())
                    .contains("Tollgate stopped a loop")
                    .contains("Retry after 60.0 s");
            await().until(() -> !events.isEmpty());
            assertThat(events).singleElement().isInstanceOfSatisfying(EngineEvent.LoopBreakerTripped.class, e -> {
                assertThat(e.agentId()).isEqualTo("billing-agent");
                assertThat(e.tool()).isEqualTo("payments.issueRefund");
                assertThat(e.repeats()).isEqualTo(6);
            });
        }
    }
}
