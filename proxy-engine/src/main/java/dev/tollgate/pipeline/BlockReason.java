package dev.tollgate.pipeline;

/**
 * Which concern of the chain made a decision; {@link #NONE} for an allowed call, {@link #INTERNAL} when a link
 * failed and the call was blocked rather than let through unchecked.
 */
public enum BlockReason {
    NONE, AUTHENTICATION, POLICY, RATE_LIMIT, LOOP_BREAKER, AUDIT_UNAVAILABLE, UNKNOWN_TOOL, UPSTREAM_UNAVAILABLE,
    INTERNAL
}
