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
 * while some policy in force uses history functions; the ledger fills itself from the store when it starts.
 */
public final class HistoryInterceptor implements Interceptor {
    private final CallLedger ledger;
    private final Redactor redactor;
    private final BooleanSupplier needed;

    public HistoryInterceptor(CallLedger ledger, Redactor redactor, BooleanSupplier needed) {
        this.ledger = ledger;
        this.redactor = redactor;
        this.needed = needed;
    }

    @Override
    public CallOutcome intercept(Chain chain) {
        ToolCall call = chain.call();
        if (needed.getAsBoolean()) {
            ledger.record(
                    call.sessionId(),
                    call.conversationId(),
                    call.tool().qualified(),
                    redactor.redact(call.arguments()));
        }
        return chain.proceed(call);
    }
}
