package dev.tollgate.pipeline;

/** One concern of the governing proxy (identity, policy, rate limit, audit, credentials, forwarding). */
@FunctionalInterface
public interface Interceptor {
    CallOutcome intercept(Chain chain);

    /** The rest of the chain as seen from one link. */
    interface Chain {
        ToolCall call();

        CallContext context();

        /** Hands the (possibly enriched) call to the next link and returns its outcome. */
        CallOutcome proceed(ToolCall call);

        /**
         * The call as the deepest link so far received it (with the agent and user identity later links
         * added), so an outer link such as audit can record who the call was for once proceed returns.
         */
        default ToolCall latestCall() {
            return call();
        }
    }
}
