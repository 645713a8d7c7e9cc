package dev.tollgate.history;

import dev.tollgate.audit.Redactor;
import dev.tollgate.pipeline.CallOutcome;
import dev.tollgate.pipeline.Interceptor;
import dev.tollgate.pipeline.ToolCall;
import java.util.function.BooleanSupplier;

/**
 * Adds a call that policy, limits and the loop breaker let through to the session and conversation tallies,
 * before it is forwarded, so the next call's {@code session.sum(…)} already includes it. Arguments are counted
 * as the audit record keeps them (redacted), so a preview over the records sees the same totals. Only runs
 * while the policy in the call's snapshot (never the one in force by the time this link runs), or the shadow
 * candidate, uses history functions; the ledger fills itself from the store when it starts.
 */
public final class HistoryInterceptor implements Interceptor {
    private final CallLedger ledger;
    private final Redactor redactor;
    private final BooleanSupplier shadowUsesHistory;

    /** {@code shadowUsesHistory}: whether a shadow candidate, decided beside the chain, asks about earlier calls. */
    public HistoryInterceptor(CallLedger ledger, Redactor redactor, BooleanSupplier shadowUsesHistory) {
        this.ledger = ledger;
        this.redactor = redactor;
        this.shadowUsesHistory = shadowUsesHistory;
    }

    @Override
    public CallOutcome intercept(Chain chain) {
        ToolCall call = chain.call();
        if (chain.snapshot().policy().usesHistory() || shadowUsesHistory.getAsBoolean()) {
            ledger.record(
                    call.sessionId(),
                    call.conversationId(),
                    call.tool().qualified(),
                    redactor.redact(call.arguments()));
        }
        return chain.proceed(call);
    }
}
