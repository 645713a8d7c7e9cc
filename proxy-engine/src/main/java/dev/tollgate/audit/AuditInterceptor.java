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
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The first link of the chain: records the attempt durably before anything else happens (blocked calls
 * are audited too), refuses the call when that is impossible (fail closed), and completes the record
 * with the outcome before the agent gets its answer, so a crash can never misstate an answered call (an error
 * saying so when the agent cancelled the call). Publishes the call's life on the event bus for the UI and live tails.
 */
public final class AuditInterceptor implements Interceptor {
    private static final Logger LOG = LoggerFactory.getLogger(AuditInterceptor.class);

    static final String UNAVAILABLE_MESSAGE = "Tollgate blocked the call: the audit store is unavailable";
    static final String OUTCOME_UNRECORDED = "Tollgate could not record the outcome of this call in the audit store, "
            + "so its result is withheld. The call was forwarded and may have taken effect: check before retrying.";

    private final AuditStore store;
    private final EventBus events;
    private final Clock clock;

    public AuditInterceptor(AuditStore store, EventBus events) {
        this(store, events, Clock.systemUTC());
    }

    public AuditInterceptor(AuditStore store, EventBus events, Clock clock) {
        this.store = store;
        this.events = events;
        this.clock = clock;
    }

    @Override
    public CallOutcome intercept(Chain chain) {
        ToolCall call = chain.call();
        Redactor redactor = store.redactor();
        ToolCall shown = redacted(redactor, call);
        long id;
        try {
            id = store.recordAttempt(call);
        } catch (AuditUnavailableException e) {
            LOG.debug(
                    "blocked {} for {}: the audit store is unavailable ({})",
                    call.tool(),
                    call.agentId(),
                    redactor.redactText(String.valueOf(e.getMessage())));
            Decision decision = Decision.blocked(
                    BlockReason.AUDIT_UNAVAILABLE, "audit store", Optional.empty(), UNAVAILABLE_MESSAGE);
            events.publish(new EngineEvent.CallStarted(clock.instant(), shown));
            events.publish(new EngineEvent.CallDecided(clock.instant(), shown, decision));
            return CallOutcome.blocked(decision);
        }
        chain.state().auditId(id);
        events.publish(new EngineEvent.CallStarted(clock.instant(), shown));

        long started = System.nanoTime();
        CallOutcome outcome = chain.state().settle(chain.proceed(call));
        CancellationSignal cancellation = chain.context().cancellation();
        if (cancellation.isCancelled() && !outcome.decision().isBlocked()) {
            outcome = outcome.cancelledByAgent(cancellation.reason().orElseThrow());
        }
        Duration latency = Duration.ofNanos(System.nanoTime() - started);
        ToolCall identified = outcome.call().orElse(call);
        ToolCall identifiedShown = identified == call ? shown : redacted(redactor, identified);
        events.publish(new EngineEvent.CallDecided(clock.instant(), identifiedShown, outcome.decision()));
        try {
            AuditRecord record = store.complete(id, identified, outcome, latency);
            events.publish(new EngineEvent.CallCompleted(clock.instant(), record));
            return outcome;
        } catch (AuditUnavailableException | RuntimeException e) {
            // The store cannot say what happened, so the agent is not told either: it must not act on an answer
            // that the record would contradict after a crash (the attempt stays, completed as interrupted).
            LOG.debug(
                    "could not record the outcome of audit record {} ({} for {}): {}",
                    id,
                    call.tool(),
                    call.agentId(),
                    redactor.redactText(String.valueOf(e.getMessage())));
            return new CallOutcome(
                    outcome.decision(),
                    CallStatus.ERROR,
                    CallOutcome.errorResult(OUTCOME_UNRECORDED),
                    0,
                    outcome.call(),
                    outcome.auditId());
        }
    }

    private static ToolCall redacted(Redactor redactor, ToolCall call) {
        return new ToolCall(
                call.callId(),
                call.receivedAt(),
                call.sessionId(),
                call.credentials(),
                call.agent(),
                call.user(),
                call.tool(),
                redactor.redact(call.arguments()),
                call.annotations(),
                call.conversationId(),
                call.meta(),
                call.upstreamAuth());
    }
}
