package dev.tollgate.session;

/** Why a session ended. */
public enum SessionEndReason {
    /** The agent sent HTTP DELETE, or closed stdin. */
    CLIENT_CLOSED,
    /** Nothing arrived for longer than the idle timeout. */
    IDLE,
    /** Tollgate is shutting down. */
    SHUTDOWN
}
