package dev.tollgate.audit;

import static dev.tollgate.testing.TemporaryAuditStore.call;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.tollgate.events.EngineEvent;
import dev.tollgate.events.EventBus;
import dev.tollgate.identity.UserIdentity;
import dev.tollgate.json.Json;
import dev.tollgate.pipeline.AgentChannel;
import dev.tollgate.pipeline.BlockReason;
import dev.tollgate.pipeline.CallContext;
import dev.tollgate.pipeline.CallOutcome;
import dev.tollgate.pipeline.CallStatus;
import dev.tollgate.pipeline.Decision;
import dev.tollgate.pipeline.Interceptor;
import dev.tollgate.pipeline.Pipeline;
import dev.tollgate.pipeline.ToolCall;
import dev.tollgate.testing.TemporaryAuditStore;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

class AuditInterceptorTest {
    @RegisterExtension
    final TemporaryAuditStore audit = TemporaryAuditStore.create();

    private final EventBus events = new EventBus();
    private final List<EngineEvent> seen = new CopyOnWriteArrayList<>();
    private static final CallContext CONTEXT =
            new CallContext("2025-06-18", AgentChannel.DISCARD, Duration.ofSeconds(5));

    @AfterEach
    void closeBus() {
        events.close();
    }

    @Test
    void theAttemptIsDurableWhileTheCallIsInFlightAndCompletedAfterwards() {
        events.subscribe(seen::add);
        AtomicReference<AuditRecord> duringCall = new AtomicReference<>();
        AtomicReference<ToolCall> forwarded = new AtomicReference<>();
        Interceptor upstream = chain -> {
            forwarded.set(chain.call());
            try (JdbcAuditStore reader = AuditStores.openExisting(audit.url())) {
                duringCall.set(reader.query(AuditQuery.builder()
                                .tool("payments.issueRefund")
                                .build())
                        .get(0));
            } catch (AuditUnavailableException e) {
                throw new IllegalStateException(e);
            }
            return new CallOutcome(
                    Decision.allowed("role billing", Optional.of("tollgate.yaml:12")),
                    CallStatus.SUCCESS,
                    Json.parse("{\"content\":[{\"type\":\"text\",\"text\":\"ok\"}]}"),
                    40);
        };
        Pipeline pipeline = new Pipeline(List.of(new AuditInterceptor(audit.store(), events), upstream));

        CallOutcome outcome = pipeline.execute(
                call(
                        "billing-agent",
                        "payments.issueRefund",
                        Json.parse("{\"orderId\":\"A-1\",\"password\":\"hunter2\"}")),
                CONTEXT);

        assertThat(outcome.status()).isEqualTo(CallStatus.SUCCESS);
        assertThat(duringCall.get().status()).isEqualTo("pending");
        assertThat(duringCall.get().arguments().path("password").asString()).isEqualTo("[REDACTED]");
        assertThat(forwarded.get().arguments().path("password").asString())
                .as("the upstream still gets the real value")
                .isEqualTo("hunter2");

        AuditRecord done = audit.store().find(duringCall.get().id()).orElseThrow();
        assertThat(done.status()).isEqualTo("success");
        assertThat(done.decision()).isEqualTo("allowed");
        assertThat(done.ruleSource()).contains("tollgate.yaml:12");
        assertThat(done.responseSize()).isEqualTo(40);
        assertThat(done.hash()).isNotEmpty();

        await().until(() -> seen.size() == 3);
        assertThat(seen.get(0)).isInstanceOf(EngineEvent.CallStarted.class);
        assertThat(seen.get(1))
                .isInstanceOfSatisfying(
                        EngineEvent.CallDecided.class,
                        d -> assertThat(d.decision().rule()).isEqualTo("role billing"));
        assertThat(seen.get(2))
                .isInstanceOfSatisfying(
                        EngineEvent.CallCompleted.class,
                        c -> assertThat(c.record().id()).isEqualTo(done.id()));
    }

    @Test
    void callsBlockedFurtherDownTheChainAreAudited() {
        Interceptor policy = chain -> CallOutcome.blocked(Decision.blocked(
                BlockReason.POLICY,
                "deny payments.issueRefund",
                Optional.of("tollgate.yaml:20"),
                "support may not issue refunds"));
        Pipeline pipeline = new Pipeline(List.of(new AuditInterceptor(audit.store(), events), policy));

        pipeline.execute(call("support-agent", "payments.issueRefund", Json.object()), CONTEXT);

        AuditRecord r = audit.store().query(AuditQuery.all()).get(0);
        assertThat(r.decision()).isEqualTo("blocked");
        assertThat(r.rule()).isEqualTo("deny payments.issueRefund");
        assertThat(r.reason()).isEqualTo("support may not issue refunds");
    }

    @Test
    void recordsTheUserALaterLinkIdentified() {
        Interceptor identity = chain ->
                chain.proceed(chain.call().withUser(new UserIdentity("alice@acme.example", List.of(), List.of())));
        Interceptor upstream =
                chain -> new CallOutcome(Decision.allowed("r", Optional.empty()), CallStatus.SUCCESS, Json.object(), 2);
        Pipeline pipeline = new Pipeline(List.of(new AuditInterceptor(audit.store(), events), identity, upstream));

        pipeline.execute(call("onboarding-agent", "crm.updateAccount", Json.object()), CONTEXT);

        AuditRecord r = audit.store().query(AuditQuery.all()).get(0);
        assertThat(r.user()).contains("alice@acme.example");
        assertThat(audit.store()
                        .query(AuditQuery.builder().user("alice@acme.example").build()))
                .hasSize(1);
    }

    @Test
    void failsClosedWhenTheAuditStoreIsDown() {
        events.subscribe(seen::add);
        List<ToolCall> reachedUpstream = new CopyOnWriteArrayList<>();
        Interceptor upstream = chain -> {
            reachedUpstream.add(chain.call());
            return new CallOutcome(Decision.allowed("r", Optional.empty()), CallStatus.SUCCESS, Json.object(), 0);
        };
        JdbcAuditStore store = audit.store();
        Pipeline pipeline = new Pipeline(List.of(new AuditInterceptor(store, events), upstream));
        store.close();

        CallOutcome outcome = pipeline.execute(call("billing-agent", "payments.issueRefund", Json.object()), CONTEXT);

        assertThat(reachedUpstream).isEmpty();
        assertThat(outcome.decision().reason()).isEqualTo(BlockReason.AUDIT_UNAVAILABLE);
        assertThat(outcome.result().path("isError").asBoolean()).isTrue();
        assertThat(outcome.result().path("content").get(0).path("text").asString())
                .isEqualTo("Tollgate blocked the call: the audit store is unavailable");
        await().until(() -> seen.stream().anyMatch(e -> e instanceof EngineEvent.CallDecided));
    }

    @Test
    void theAgentIsNotToldOfASuccessTheRecordCannotConfirm() {
        JdbcAuditStore store = audit.store();
        Interceptor upstream = chain -> {
            store.close();
            return new CallOutcome(
                    Decision.allowed("r", Optional.empty()),
                    CallStatus.SUCCESS,
                    Json.parse("{\"content\":[{\"type\":\"text\",\"text\":\"done\"}]}"),
                    10);
        };
        Pipeline pipeline = new Pipeline(List.of(new AuditInterceptor(store, events), upstream));

        CallOutcome outcome = pipeline.execute(call("billing-agent", "crm.getAccount", Json.object()), CONTEXT);

        assertThat(outcome.status()).isEqualTo(CallStatus.ERROR);
        assertThat(outcome.result().path("isError").asBoolean()).isTrue();
        assertThat(outcome.result().path("content").get(0).path("text").asString())
                .isEqualTo(AuditInterceptor.OUTCOME_UNRECORDED);
        AuditRecord r = audit.reopen().query(AuditQuery.all()).get(0);
        assertThat(r.reason()).isEqualTo(JdbcAuditStore.INTERRUPTED);
    }
}
