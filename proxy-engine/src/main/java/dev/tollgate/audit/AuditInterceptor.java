package dev.tollgate.audit;

import dev.tollgate.events.EngineEvent;
import dev.tollgate.events.EventBus;
import dev.tollgate.pipeline.BlockReason;
import dev.tollgate.pipeline.CallOutcome;
import dev.tollgate.pipeline.CallStatus;
import dev.tollgate.pipeline.CancellationSignal;
import dev.tollgate.pipeline.Decision;
import dev.tollgate.pipeline.Interceptor;
import dev.tollgate.pipeline.ToolCall;
import java.time.Clock;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.CompletionException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The first link of the chain: records the attempt durably before anything else happens (blocked calls
 * are audited too), refuses the call when that is impossible (fail closed), and completes the record
 * with the outcome (an error saying so when the agent cancelled the call). Publishes the call's life on the
 * event bus for the UI and live tails.
 */
public final class AuditInterceptor implements Interceptor {
    private static final Logger LOG = LoggerFactory.getLogger(AuditInterceptor.class);

    static final String UNAVAILABLE_MESSAGE = "Tollgate blocked the call: the audit store is unavailable";

    private final AuditStore store;
    private final EventBus events;
    private final Redactor redactor;
    private final Clock clock;

    public AuditInterceptor(AuditStore store, EventBus events, Redactor redactor) {
        this(store, events, redactor, Clock.systemUTC());
    }

    public AuditInterceptor(AuditStore store, EventBus events, Redactor redactor, Clock clock) {
        this.store = store;
        this.events = events;
        this.redactor = redactor;
        this.clock = clock;
    }

    @Override
    public CallOutcome intercept(Chain chain) {
        ToolCall call = chain.call();
        ToolCall shown = redacted(call);
        long id;
        try {
            id = store.recordAttempt(shown);
        } catch (AuditUnavailableException e) {
            LOG.error("blocked {} for {}: the audit store is unavailable ({})", call.tool(), call.agentId(),
                    redactor.redactText(e.getMessage()));
            Decision decision = Decision.blocked(BlockReason.AUDIT_UNAVAILABLE, "audit store", Optional.empty(),
                    UNAVAILABLE_MESSAGE);
            events.publish(new EngineEvent.CallStarted(clock.instant(), shown));
            events.publish(new EngineEvent.CallDecided(clock.instant(), shown, decision));
            return CallOutcome.blocked(decision);
        }
        events.publish(new EngineEvent.CallStarted(clock.instant(), shown));

        long started = System.nanoTime();
        CallOutcome outcome;
        try {
            outcome = chain.proceed(call);
        } catch (RuntimeException e) {
            LOG.error("a link of the chain failed on {} for {}: {}", call.tool(), call.agentId(),
                    redactor.redactText(String.valueOf(e.getMessage())), e);
            outcome = CallOutcome.failed(Decision.allowed("none", Optional.empty()), CallStatus.ERROR,
                    "Tollgate failed while handling the call; it was recorded as an error.");
        }
        CancellationSignal cancellation = chain.context().cancellation();
        if (cancellation.isCancelled() && !outcome.decision().isBlocked()) {
            outcome = outcome.cancelledByAgent(cancellation.reason().orElseThrow());
        }
        Duration latency = Duration.ofNanos(System.nanoTime() - started);
        // Later links may have established who the call is for (agent re-check, end user's token).
        ToolCall identified = chain.latestCall() == call ? shown : redacted(chain.latestCall());
        events.publish(new EngineEvent.CallDecided(clock.instant(), identified, outcome.decision()));

        if (store instanceof JdbcAuditStore jdbc) {
            // The attempt is durable already; the agent need not wait for the outcome's commit as well.
            jdbc.completeAsync(id, identified, outcome, latency).whenComplete((record, failure) -> {
                if (failure == null) {
                    events.publish(new EngineEvent.CallCompleted(clock.instant(), record));
                } else {
                    outcomeNotRecorded(id, call, failure);
                }
            });
            return outcome;
        }
        try {
            AuditRecord record = recordAndFind(id, identified, outcome, latency);
            events.publish(new EngineEvent.CallCompleted(clock.instant(), record));
        } catch (AuditUnavailableException | RuntimeException e) {
            outcomeNotRecorded(id, call, e);
        }
        return outcome;
    }

    /** The call already happened; the agent gets its answer and the attempt stays in the store. */
    private void outcomeNotRecorded(long id, ToolCall call, Throwable e) {
        Throwable cause = e instanceof CompletionException && e.getCause() != null ? e.getCause() : e;
        LOG.error("could not record the outcome of audit record {} ({} for {}): {}", id, call.tool(),
                call.agentId(), redactor.redactText(String.valueOf(cause.getMessage())));
    }

    private AuditRecord recordAndFind(long id, ToolCall call, CallOutcome outcome, Duration latency)
            throws AuditUnavailableException {
        store.recordOutcome(id, call, outcome, latency);
        return store.find(id).orElseThrow(() -> new IllegalStateException("audit record " + id + " vanished"));
    }

    private ToolCall redacted(ToolCall call) {
        return new ToolCall(call.callId(), call.receivedAt(), call.sessionId(), call.credentials(), call.agent(),
                call.user(), call.tool(), redactor.redact(call.arguments()), call.annotations(), call.conversationId(),
                call.meta(), call.upstreamAuth());
    }
}
