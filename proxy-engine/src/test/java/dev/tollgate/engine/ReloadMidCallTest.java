package dev.tollgate.engine;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tollgate.audit.AuditInterceptor;
import dev.tollgate.audit.AuditQuery;
import dev.tollgate.audit.AuditRecord;
import dev.tollgate.audit.Redactor;
import dev.tollgate.config.ConfigLoader;
import dev.tollgate.events.EventBus;
import dev.tollgate.history.CallLedger;
import dev.tollgate.history.HistoryInterceptor;
import dev.tollgate.identity.Credentials;
import dev.tollgate.identity.IdentityConfig;
import dev.tollgate.identity.IdentityInterceptor;
import dev.tollgate.json.Json;
import dev.tollgate.loopbreaker.LoopBreakerInterceptor;
import dev.tollgate.pipeline.AgentChannel;
import dev.tollgate.pipeline.BlockReason;
import dev.tollgate.pipeline.CallContext;
import dev.tollgate.pipeline.CallOutcome;
import dev.tollgate.pipeline.CallStatus;
import dev.tollgate.pipeline.Interceptor;
import dev.tollgate.pipeline.Pipeline;
import dev.tollgate.pipeline.ToolAnnotations;
import dev.tollgate.pipeline.ToolCall;
import dev.tollgate.pipeline.ToolRef;
import dev.tollgate.policy.PolicyHolder;
import dev.tollgate.policy.PolicyInterceptor;
import dev.tollgate.ratelimit.InMemoryLimitStore;
import dev.tollgate.ratelimit.RateLimitInterceptor;
import dev.tollgate.ratelimit.RateLimiter;
import dev.tollgate.testing.TemporaryAuditStore;
import dev.tollgate.upstream.UpstreamAuth;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * A reload that lands in the middle of a call: the call was let in under version 1 of the configuration, and a
 * link early in the chain applies version 2 (which removes the agent's key, denies the tool and limits it) before
 * identity, policy, limits and breaker have run. Every one of them must still decide with version 1.
 */
class ReloadMidCallTest {
    private static final String V1 = """
            agents:
              billing-agent: { keys: ["key-1"], roles: [billing] }
            roles:
              billing:
                allow: ["crm.*"]
            """;
    private static final String V2 = """
            agents:
              billing-agent: { keys: ["key-2"], roles: [billing] }
            roles:
              billing:
                allow: ["payments.*"]
                deny: ["crm.*"]
                limits: { "crm.*": "1/hour" }
            loopBreaker: { enabled: false }
            """;

    @RegisterExtension
    final TemporaryAuditStore audit = TemporaryAuditStore.create();

    @TempDir
    Path dir;

    private final EventBus events = new EventBus();
    private final List<ToolCall> reachedUpstream = new CopyOnWriteArrayList<>();

    @AfterEach
    void closeBus() {
        events.close();
    }

    @Test
    void everyLinkOfACallDecidesWithTheVersionTheCallEnteredUnder() throws Exception {
        Path file = dir.resolve("tollgate.yaml");
        Files.writeString(file, V1);
        try (PolicyHolder policy = PolicyHolder.load(file, new ConfigLoader(), events, Clock.systemUTC())) {
            Snapshots snapshots =
                    new Snapshots(policy, config -> IdentityConfig.from(config).authenticator(config));
            AtomicBoolean reloaded = new AtomicBoolean();
            Interceptor reloadNow = chain -> {
                if (reloaded.compareAndSet(false, true)) {
                    policy.apply(V2);
                }
                return chain.proceed(chain.call());
            };
            Interceptor upstream = chain -> {
                reachedUpstream.add(chain.call());
                return new CallOutcome(
                        chain.state().decision().orElseThrow(), CallStatus.SUCCESS, Json.parse("{\"content\":[]}"), 14);
            };
            Pipeline pipeline = new Pipeline(
                    List.of(
                            new AuditInterceptor(audit.store(), events),
                            reloadNow,
                            new IdentityInterceptor(),
                            new PolicyInterceptor(),
                            new RateLimitInterceptor(new RateLimiter(new InMemoryLimitStore()), Clock.systemUTC()),
                            new LoopBreakerInterceptor(events, Clock.systemUTC()),
                            upstream),
                    snapshots);

            CallOutcome during = pipeline.execute(call("key-1"), context());

            assertThat(reloaded).isTrue();
            assertThat(policy.get().config().text()).isEqualTo(V2);
            assertThat(during.decision().isBlocked())
                    .as(during.decision().message())
                    .isFalse();
            assertThat(during.decision().rule()).isEqualTo("role billing allow crm.*");
            assertThat(during.decision().source()).contains(file.toAbsolutePath() + ":5");
            assertThat(reachedUpstream)
                    .singleElement()
                    .satisfies(c -> assertThat(c.agentId()).isEqualTo("billing-agent"));
            AuditRecord record =
                    audit.store().find(during.auditId().orElseThrow()).orElseThrow();
            assertThat(record.decision()).isEqualTo("allowed");
            assertThat(record.rule()).isEqualTo("role billing allow crm.*");
            assertThat(record.status()).isEqualTo("success");

            CallOutcome oldKeyAfter = pipeline.execute(call("key-1"), context());
            CallOutcome newKeyAfter = pipeline.execute(call("key-2"), context());

            assertThat(oldKeyAfter.decision().reason()).isEqualTo(BlockReason.AUTHENTICATION);
            assertThat(newKeyAfter.decision().reason()).isEqualTo(BlockReason.POLICY);
            assertThat(reachedUpstream).hasSize(1);
            assertThat(audit.store()
                            .query(AuditQuery.builder().decision("blocked").build()))
                    .hasSize(2);
        }
    }

    @Test
    void theHistoryLinkKeepsTalliesForThePolicyTheCallEnteredUnder() throws Exception {
        String countsCalls = """
                agents:
                  billing-agent: { keys: ["key-1"], roles: [billing] }
                roles:
                  billing:
                    allow: [{ tool: "crm.*", when: "session.count('crm.getAccount') < 100" }]
                """;
        String countsNothing = V1;
        Path file = dir.resolve("tollgate.yaml");
        Files.writeString(file, countsCalls);
        try (PolicyHolder policy = PolicyHolder.load(file, new ConfigLoader(), events, Clock.systemUTC())) {
            Snapshots snapshots =
                    new Snapshots(policy, config -> IdentityConfig.from(config).authenticator(config));
            CallLedger ledger = new CallLedger(CallLedger.NO_SEED, CallLedger.DEFAULT_CAPACITY);
            AtomicBoolean reloaded = new AtomicBoolean();
            Interceptor reloadNow = chain -> {
                if (reloaded.compareAndSet(false, true)) {
                    policy.apply(countsNothing);
                }
                return chain.proceed(chain.call());
            };
            Interceptor upstream = chain -> new CallOutcome(
                    chain.state().decision().orElseThrow(), CallStatus.SUCCESS, Json.parse("{\"content\":[]}"), 14);
            Pipeline pipeline = new Pipeline(
                    List.of(
                            new IdentityInterceptor(),
                            reloadNow,
                            new PolicyInterceptor(ledger),
                            new HistoryInterceptor(ledger, Redactor.defaults(), () -> false),
                            upstream),
                    snapshots);
            ToolCall call = call("key-1");

            CallOutcome during = pipeline.execute(call, context());

            assertThat(reloaded).isTrue();
            assertThat(during.decision().isBlocked())
                    .as(during.decision().message())
                    .isFalse();
            // The call entered under a policy that counts calls: it is counted, although the policy in force by the
            // time the history link ran counts nothing.
            assertThat(ledger.session(call).count("crm.getAccount")).isEqualTo(1);

            pipeline.execute(call, context());
            assertThat(ledger.session(call).count("crm.getAccount"))
                    .as("calls entering under the reloaded policy, which counts nothing")
                    .isEqualTo(1);
        }
    }

    private static CallContext context() {
        return new CallContext("2025-06-18", AgentChannel.DISCARD, Duration.ofSeconds(5));
    }

    private static ToolCall call(String key) {
        return new ToolCall(
                UUID.randomUUID().toString(),
                Instant.now(),
                "s1",
                new Credentials(Optional.of(key), Optional.empty()),
                Optional.empty(),
                Optional.empty(),
                ToolRef.parse("crm.getAccount"),
                Json.object(),
                ToolAnnotations.NONE,
                Optional.empty(),
                Json.object(),
                UpstreamAuth.NONE);
    }
}
