package dev.tollgate.pipeline;

/**
 * Which concern of the chain made a decision; {@link #NONE} for an allowed call. {@link #PROTOCOL}: the request
 * broke the transport's rules before the chain (2026-07-28 headers that disagree with the body). {@link #INTERNAL}:
 * a link failed and the call was blocked rather than let through unchecked.
 */
public enum BlockReason {
    NONE,
    AUTHENTICATION,
    POLICY,
    RATE_LIMIT,
    LOOP_BREAKER,
    AUDIT_UNAVAILABLE,
    UNKNOWN_TOOL,
    UPSTREAM_UNAVAILABLE,
    PROTOCOL,
    INTERNAL,
    TOOL_CHANGED,
    APPROVAL
}
