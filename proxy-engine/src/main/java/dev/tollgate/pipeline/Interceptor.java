package dev.tollgate.pipeline;

/**
 * One concern of the governing proxy (identity, policy, rate limit, audit, credentials, forwarding). A link reads
 * what decides the call from {@link Chain#snapshot()}, never from a live supplier. A link that blocks returns
 * {@link CallOutcome#blocked} (the chain records that decision, once); the policy link records the allowing rule
 * with {@code chain.state().allow(…)}. A link that throws blocks the call with reason {@code internal}.
 */
@FunctionalInterface
public interface Interceptor {
    CallOutcome intercept(Chain chain);

    /** The rest of the chain as seen from one link. */
    interface Chain {
        ToolCall call();

        CallContext context();

        /** The call's own state: its snapshot, its decision and its audit id. */
        CallState state();

        /** Hands the (possibly enriched) call to the next link and returns its outcome. */
        CallOutcome proceed(ToolCall call);

        /** What this call is decided with, taken once when it entered the chain. */
        default CallSnapshot snapshot() {
            return state().snapshot();
        }
    }
}
