package dev.tollgate.pipeline;

/** Which concern of the chain made a decision; {@link #NONE} for an allowed call. */
public enum BlockReason {
    NONE, AUTHENTICATION, POLICY, RATE_LIMIT, LOOP_BREAKER, AUDIT_UNAVAILABLE, UNKNOWN_TOOL, UPSTREAM_UNAVAILABLE,
    TOOL_CHANGED, APPROVAL
}
