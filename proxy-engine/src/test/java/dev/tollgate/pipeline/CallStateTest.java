package dev.tollgate.pipeline;

import static dev.tollgate.testing.TemporaryAuditStore.call;
import static org.assertj.core.api.Assertions.assertThat;

import dev.tollgate.audit.AuditInterceptor;
import dev.tollgate.audit.AuditRecord;
import dev.tollgate.events.EventBus;
import dev.tollgate.identity.AgentIdentity;
import dev.tollgate.json.Json;
import dev.tollgate.testing.TemporaryAuditStore;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The per-call state as the agent and the audit trail see it: one decision, fail closed, the final call. */
class CallStateTest {
    private static final CallContext CONTEXT =
            new CallContext("2025-06-18", AgentChannel.DISCARD, Duration.ofSeconds(5));
    private static final Decision ALLOW = Decision.allowed("role billing allow crm.*", Optional.of("tollgate.yaml:5"));

    @RegisterExtension
    final TemporaryAuditStore audit = TemporaryAuditStore.create();

    private final EventBus events = new EventBus();
    private final AtomicInteger forwarded = new AtomicInteger();

    @AfterEach
    void closeBus() {
        events.close();
    }

    private final Interceptor allow = chain -> {
        chain.state().allow(ALLOW);
        return chain.proceed(chain.call());
    };

    private final Interceptor upstream = chain -> {
        forwarded.incrementAndGet();
        return new CallOutcome(
                Decision.allowed("forwarded", Optional.empty()),
                CallStatus.SUCCESS,
                Json.parse("{\"content\":[]}"),
                14);
    };

    @Test
    void aLinkThatThrowsBlocksTheCallAsInternalAndTheRecordSaysSo() {
        Interceptor broken = chain -> {
            throw new IllegalStateException("limit store unreachable");
        };
        Pipeline pipeline = new Pipeline(List.of(new AuditInterceptor(audit.store(), events), allow, broken, upstream));

        CallOutcome outcome = pipeline.execute(call("billing-agent", "crm.getAccount", Json.object()), CONTEXT);

        assertThat(forwarded).hasValue(0);
        assertThat(outcome.decision().reason()).isEqualTo(BlockReason.INTERNAL);
        assertThat(outcome.result().path("isError").asBoolean()).isTrue();
        assertThat(outcome.result().path("content").get(0).path("text").asString())
                .contains("internal error");
        AuditRecord record = audit.store().find(outcome.auditId().orElseThrow()).orElseThrow();
        assertThat(record.decision()).isEqualTo("blocked");
        assertThat(record.rule()).isEqualTo("internal");
        assertThat(record.status()).isEqualTo("error");
    }

    @Test
    void theDecidingRuleStandsAndNoLaterLinkCanReplaceIt() {
        Interceptor secondOpinion = chain -> {
            chain.state().allow(Decision.allowed("something else", Optional.empty()));
            return chain.proceed(chain.call());
        };
        Pipeline honest = new Pipeline(List.of(new AuditInterceptor(audit.store(), events), allow, upstream));
        Pipeline meddling =
                new Pipeline(List.of(new AuditInterceptor(audit.store(), events), allow, secondOpinion, upstream));

        CallOutcome allowed = honest.execute(call("billing-agent", "crm.getAccount", Json.object()), CONTEXT);
        CallOutcome refused = meddling.execute(call("billing-agent", "crm.getAccount", Json.object()), CONTEXT);

        assertThat(allowed.decision()).isEqualTo(ALLOW);
        assertThat(audit.store()
                        .find(allowed.auditId().orElseThrow())
                        .orElseThrow()
                        .rule())
                .isEqualTo(ALLOW.rule());
        assertThat(refused.decision().reason()).isEqualTo(BlockReason.INTERNAL);
        assertThat(forwarded).hasValue(1);
    }

    @Test
    void aBlockAfterTheAllowIsTheDecisionAndTheOutcomeCarriesTheFinalCallAndItsRecord() {
        AgentIdentity identified = new AgentIdentity("billing-agent", List.of("billing"), "api-key");
        Interceptor identity = chain -> chain.proceed(chain.call().withAgent(identified));
        Decision limited = Decision.limited(
                BlockReason.RATE_LIMIT,
                "crm.*",
                Optional.of("tollgate.yaml:9"),
                "over the limit",
                Duration.ofSeconds(3));
        Interceptor limit = chain -> CallOutcome.blocked(limited);
        Pipeline pipeline =
                new Pipeline(List.of(new AuditInterceptor(audit.store(), events), identity, allow, limit, upstream));

        CallOutcome outcome = pipeline.execute(call("anonymous", "crm.getAccount", Json.object()), CONTEXT);

        assertThat(outcome.decision()).isEqualTo(limited);
        assertThat(outcome.call()).hasValueSatisfying(c -> assertThat(c.agent()).contains(identified));
        AuditRecord record = audit.store().find(outcome.auditId().orElseThrow()).orElseThrow();
        assertThat(record.agentId()).isEqualTo("billing-agent");
        assertThat(record.rule()).isEqualTo("crm.*");
        assertThat(record.decision()).isEqualTo("blocked");
    }
}
