package dev.tollgate.policy;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tollgate.config.ConfigLoader;
import dev.tollgate.identity.AgentIdentity;
import dev.tollgate.identity.Credentials;
import dev.tollgate.json.Json;
import dev.tollgate.pipeline.AgentChannel;
import dev.tollgate.pipeline.BlockReason;
import dev.tollgate.pipeline.CallContext;
import dev.tollgate.pipeline.CallOutcome;
import dev.tollgate.pipeline.CallSnapshot;
import dev.tollgate.pipeline.CallStatus;
import dev.tollgate.pipeline.Decision;
import dev.tollgate.pipeline.Pipeline;
import dev.tollgate.pipeline.ToolAnnotations;
import dev.tollgate.pipeline.ToolCall;
import dev.tollgate.pipeline.ToolRef;
import dev.tollgate.upstream.UpstreamAuth;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class PolicyInterceptorTest {
    private static final CallContext CONTEXT =
            new CallContext("2025-06-18", AgentChannel.DISCARD, Duration.ofSeconds(5));
    private final Policy policy = CompiledPolicy.from(new ConfigLoader().parse("tollgate.yaml", """
            roles:
              billing:
                allow: ["payments.*"]
                deny: ["payments.issueRefund"]
            """));
    private final AtomicInteger forwarded = new AtomicInteger();

    private static ToolCall call(String tool) {
        return new ToolCall(
                "c1",
                Instant.now(),
                "s1",
                Credentials.NONE,
                Optional.of(new AgentIdentity("billing-agent", List.of("billing"), "api-key")),
                Optional.empty(),
                ToolRef.parse(tool),
                Json.object(),
                ToolAnnotations.NONE,
                Optional.empty(),
                Json.object(),
                UpstreamAuth.NONE);
    }

    private Pipeline chain(CallOutcome downstream) {
        CallSnapshot none = CallSnapshot.refuseAll();
        return new Pipeline(
                List.of(new PolicyInterceptor(), c -> {
                    forwarded.incrementAndGet();
                    return downstream;
                }),
                () -> new CallSnapshot(none.authenticator(), policy, List.of(), none.loopBreaker()));
    }

    @Test
    void aDeniedCallStopsHereWithTheDenyingRule() {
        CallOutcome outcome = chain(CallOutcome.failed(
                        Decision.allowed("forwarded", Optional.empty()), CallStatus.SUCCESS, "unreachable"))
                .execute(call("payments.issueRefund"), CONTEXT);

        assertThat(outcome.decision().reason()).isEqualTo(BlockReason.POLICY);
        assertThat(outcome.decision().rule()).contains("deny payments.issueRefund");
        assertThat(outcome.result().path("isError").asBoolean()).isTrue();
        assertThat(forwarded).hasValue(0);
    }

    @Test
    void anAllowedCallCarriesThePolicysRuleInsteadOfTheForwardersDecision() {
        CallOutcome success = new CallOutcome(
                Decision.allowed("forwarded", Optional.empty()),
                CallStatus.SUCCESS,
                Json.parse("{\"content\":[]}"),
                14);

        CallOutcome outcome = chain(success).execute(call("payments.getHistory"), CONTEXT);

        assertThat(outcome.decision().isBlocked()).isFalse();
        assertThat(outcome.decision().rule()).contains("allow payments.*");
        assertThat(outcome.status()).isEqualTo(CallStatus.SUCCESS);
        assertThat(outcome.responseBytes()).isEqualTo(14);
    }

    @Test
    void aLaterLinksBlockIsKept() {
        CallOutcome limited = CallOutcome.blocked(Decision.limited(
                BlockReason.RATE_LIMIT, "payments.* 2/min", Optional.empty(), "rate limited", Duration.ofSeconds(30)));

        CallOutcome outcome = chain(limited).execute(call("payments.getHistory"), CONTEXT);

        assertThat(outcome.decision().reason()).isEqualTo(BlockReason.RATE_LIMIT);
    }
}
