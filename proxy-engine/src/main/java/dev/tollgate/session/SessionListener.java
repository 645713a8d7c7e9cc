package dev.tollgate.session;

/** Hears about sessions ending (e.g. to revoke user tokens issued for the session). */
@FunctionalInterface
public interface SessionListener {
    void sessionEnded(AgentSession session, SessionEndReason reason);
}
