package dev.tollgate.audit;

import static dev.tollgate.testing.TemporaryAuditStore.call;
import static org.assertj.core.api.Assertions.assertThat;

import dev.tollgate.json.Json;
import dev.tollgate.pipeline.CallOutcome;
import dev.tollgate.pipeline.CallStatus;
import dev.tollgate.pipeline.Decision;
import dev.tollgate.pipeline.ToolCall;
import dev.tollgate.testing.TemporaryAuditStore;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Request threads lead the group commits: an interrupted one must not take the store down for everyone. */
class GroupCommitWriterTest {
    @RegisterExtension
    final TemporaryAuditStore audit = TemporaryAuditStore.create();

    private static long record(JdbcAuditStore store, String orderId) throws AuditUnavailableException {
        ToolCall call = call("billing-agent", "payments.issueRefund", Json.parse("{\"orderId\":\"" + orderId + "\"}"));
        long id = store.recordAttempt(call);
        store.recordOutcome(
                id,
                call,
                new CallOutcome(
                        Decision.allowed("allow payments.*", Optional.empty()), CallStatus.SUCCESS, Json.object(), 2),
                Duration.ofMillis(3));
        return id;
    }

    @Test
    void aCallerWhoseThreadIsInterruptedStillGetsItsRecordAndKeepsItsInterrupt() throws Exception {
        JdbcAuditStore store = audit.store();
        AtomicLong id = new AtomicLong();
        AtomicBoolean stillInterrupted = new AtomicBoolean();
        Thread caller = new Thread(() -> {
            Thread.currentThread().interrupt();
            try {
                id.set(store.recordAttempt(
                        call("billing-agent", "payments.issueRefund", Json.parse("{\"orderId\":\"I-1\"}"))));
            } catch (AuditUnavailableException e) {
                throw new IllegalStateException(e);
            }
            stillInterrupted.set(Thread.currentThread().isInterrupted());
        });
        caller.start();
        caller.join(10_000);

        assertThat(id.get()).isPositive();
        assertThat(stillInterrupted).isTrue();
        assertThat(store.available()).isTrue();
        assertThat(store.find(record(store, "after"))).isPresent();
    }

    @Test
    void interruptingACallerWhileItWritesLeavesTheStoreWorkingAndTheChainWhole() throws Exception {
        JdbcAuditStore store = audit.store();
        AtomicInteger written = new AtomicInteger();
        AtomicBoolean done = new AtomicBoolean();
        Thread caller = new Thread(() -> {
            for (int i = 0; i < 300; i++) {
                try {
                    record(store, "W-" + i);
                    written.incrementAndGet();
                } catch (AuditUnavailableException e) {
                    // Interrupted while waiting for a group another thread leads: that one call is refused.
                    Thread.interrupted();
                }
            }
            done.set(true);
        });
        caller.start();
        while (!done.get()) {
            caller.interrupt();
            Thread.onSpinWait();
        }
        caller.join(10_000);

        assertThat(written.get()).isPositive();
        assertThat(store.available()).isTrue();
        long after = record(store, "after");
        assertThat(store.find(after)).isPresent();
        assertThat(store.verify().intact()).isTrue();
    }
}
