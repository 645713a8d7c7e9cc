package dev.tollgate.policy;

import static dev.tollgate.policy.TestCalls.call;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.tollgate.config.ConfigException;
import dev.tollgate.config.ConfigLoader;
import dev.tollgate.events.EngineEvent;
import dev.tollgate.events.EventBus;
import dev.tollgate.pipeline.ToolAnnotations;
import dev.tollgate.pipeline.ToolCall;
import dev.tollgate.pipeline.ToolRef;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Hot reload through the real file system: valid edits apply, invalid ones are refused with their line. */
class PolicyHolderTest {
    private static final String DENY_REFUNDS = """
            agents:
              billing-agent: { keys: [k1], roles: [billing] }
            roles:
              billing:
                allow: [crm.getAccount, payments.getHistory]
                deny:  [payments.issueRefund]
            """;
    private static final String ALLOW_REFUNDS = DENY_REFUNDS
            .replace(
                    "deny:  [payments.issueRefund]",
                    "allow: [crm.getAccount, payments.getHistory, payments.issueRefund]")
            .replace("    allow: [crm.getAccount, payments.getHistory]\n", "");

    @TempDir
    Path dir;

    private Path file;
    private final EventBus events = new EventBus();
    private final List<EngineEvent> seen = new CopyOnWriteArrayList<>();
    private PolicyHolder holder;

    @BeforeEach
    void start() throws Exception {
        file = dir.resolve("tollgate.yaml");
        Files.writeString(file, DENY_REFUNDS);
        events.subscribe(seen::add);
        holder = PolicyHolder.load(file, new ConfigLoader(), events, Clock.systemUTC());
        holder.watch(Duration.ofMillis(100));
    }

    @AfterEach
    void stop() {
        holder.close();
        events.close();
    }

    private static ToolCall refund() {
        return call("billing-agent", List.of("billing"), "payments.issueRefund", "{\"amount\": 5}");
    }

    @Test
    void aValidEditSwapsThePolicyAndTellsListeners() throws Exception {
        CompiledPolicy before = holder.get();
        Policy live = holder.live();
        List<String> changes = new CopyOnWriteArrayList<>();
        holder.onChange((previous, current) -> changes.add(previous.decide(refund())
                        .verdict() + "->" + current.decide(refund()).verdict()));
        assertThat(live.decide(refund()).isBlocked()).isTrue();

        Files.writeString(file, ALLOW_REFUNDS);

        await().atMost(Duration.ofSeconds(20))
                .until(() -> !live.decide(refund()).isBlocked());
        assertThat(before.decide(refund()).isBlocked())
                .as("a policy already handed out never changes")
                .isTrue();
        // Listeners run on the watcher thread just after the swap, so wait for them too.
        await().atMost(Duration.ofSeconds(20)).until(() -> !changes.isEmpty());
        assertThat(changes).containsExactly("BLOCKED->ALLOWED");
        await().until(() -> seen.stream().anyMatch(e -> e instanceof EngineEvent.PolicyReloaded r && r.applied()));
    }

    @Test
    void anInvalidEditKeepsTheOldPolicyAndReportsTheLine() throws Exception {
        Files.writeString(
                file,
                DENY_REFUNDS.replace(
                        "deny:  [payments.issueRefund]",
                        "deny:  [{ tool: payments.issueRefund, when: \"args.amount >\" }]"));

        await().atMost(Duration.ofSeconds(20))
                .until(() -> seen.stream().anyMatch(e -> e instanceof EngineEvent.PolicyReloaded r && !r.applied()));
        EngineEvent.PolicyReloaded refused = seen.stream()
                .filter(e -> e instanceof EngineEvent.PolicyReloaded)
                .map(EngineEvent.PolicyReloaded.class::cast)
                .findFirst()
                .orElseThrow();
        assertThat(refused.problem())
                .startsWith(file.toAbsolutePath() + ":6: condition 'args.amount >' does not compile");
        assertThat(holder.get().decide(refund()).rule()).isEqualTo("role billing deny payments.issueRefund");

        Files.writeString(file, ALLOW_REFUNDS);
        await().atMost(Duration.ofSeconds(20))
                .until(() -> !holder.get().decide(refund()).isBlocked());
    }

    @Test
    void applyValidatesSavesAndSwaps() throws Exception {
        assertThatThrownBy(() -> holder.apply(DENY_REFUNDS.replace(
                        "billing-agent: { keys: [k1], roles: [billing] }",
                        "billing-agent: { keys: [k1], roles: [billing] }\nlimits: [ { rate: often } ]")))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining(":3: expected a rate like");
        assertThat(Files.readString(file)).isEqualTo(DENY_REFUNDS);

        holder.apply(ALLOW_REFUNDS);
        assertThat(Files.readString(file)).isEqualTo(ALLOW_REFUNDS);
        assertThat(holder.get().decide(refund()).isBlocked()).isFalse();
        assertThat(holder.live()
                        .visible(
                                holder.get().agent("billing-agent").orElseThrow(),
                                ToolRef.parse("payments.issueRefund"),
                                ToolAnnotations.NONE))
                .isTrue();
    }
}
