package dev.tollgate.events;

import dev.tollgate.approval.Answer;
import dev.tollgate.approval.HeldCall;
import dev.tollgate.audit.AuditRecord;
import dev.tollgate.pipeline.Decision;
import dev.tollgate.pipeline.ToolCall;
import dev.tollgate.shadow.ShadowVerdict;
import java.time.Instant;

/** Something the engine did that the UI, a live tail or metrics may want to see. */
public sealed interface EngineEvent {
    Instant at();

    /** A tools/call arrived. */
    record CallStarted(Instant at, ToolCall call) implements EngineEvent {}

    /** The chain decided (allowed, or blocked by a rule, limit or breaker). */
    record CallDecided(Instant at, ToolCall call, Decision decision) implements EngineEvent {}

    /** The call finished and its audit record is final. */
    record CallCompleted(Instant at, AuditRecord record) implements EngineEvent {}

    /** The loop breaker stopped an agent repeating one call: the shape of the refund incident. */
    record LoopBreakerTripped(Instant at, String agentId, String tool, int repeats, String window)
            implements EngineEvent {}

    /** A new policy took effect, or a candidate was refused (then {@code problem} says why). */
    record PolicyReloaded(Instant at, boolean applied, String problem) implements EngineEvent {}

    /** The audit store stopped taking records ({@code up=false}, with the reason) or takes them again. */
    record AuditStoreChanged(Instant at, boolean up, String detail) implements EngineEvent {}

    /**
     * A server offers a tool whose definition differs from the one pinned in the lock file (a possible rug-pull);
     * {@code withheld} when pinning blocks it until an operator approves the new definition.
     */
    record ToolDefinitionChanged(Instant at, String server, String tool, boolean withheld) implements EngineEvent {}

    /** A call matched an {@code approve:} rule and waits for a human. */
    record ApprovalRequested(Instant at, HeldCall call) implements EngineEvent {}

    /** A held call was approved or denied (by a person, or by the timeout). */
    record ApprovalAnswered(Instant at, HeldCall call, Answer answer) implements EngineEvent {}

    /** The shadow candidate would have decided this call the other way than the policy in force did. */
    record ShadowDisagreed(Instant at, ToolCall call, Decision live, ShadowVerdict shadow) implements EngineEvent {}

    /** An upstream server connected, failed its handshake, died or was restarted. */
    record UpstreamStateChanged(Instant at, String server, String state, String detail) implements EngineEvent {}
}
