package dev.tollgate.session;

import dev.tollgate.audit.AuditStore;
import dev.tollgate.audit.AuditUnavailableException;
import dev.tollgate.events.EngineEvent;
import dev.tollgate.events.EventBus;
import dev.tollgate.identity.Credentials;
import dev.tollgate.json.Json;
import dev.tollgate.pipeline.CallOutcome;
import dev.tollgate.pipeline.CallStatus;
import dev.tollgate.pipeline.Decision;
import dev.tollgate.pipeline.ToolAnnotations;
import dev.tollgate.pipeline.ToolCall;
import dev.tollgate.pipeline.ToolRef;
import dev.tollgate.upstream.UpstreamAuth;
import java.time.Clock;
import java.time.Duration;
import java.util.Optional;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import tools.jackson.databind.node.ObjectNode;

/**
 * Puts sessions Tollgate ended on its own on the record: a session that expired after its idle timeout gets one
 * audit record, {@code tollgate.sessionEnded}, under its agent and session id, saying why and when it was last
 * used, so an investigator sees where a session's history stops and why. Sessions the agent ended itself
 * (DELETE, stdin closed) and those ended by a shutdown are not recorded.
 */
public final class SessionEndRecorder implements SessionListener {
    /** The pseudo tool expired sessions are recorded under. */
    public static final ToolRef SESSION_ENDED = new ToolRef("tollgate", "sessionEnded");

    private static final Logger LOG = LoggerFactory.getLogger(SessionEndRecorder.class);

    private final AuditStore store;
    private final EventBus events;
    private final Clock clock;

    public SessionEndRecorder(AuditStore store, EventBus events, Clock clock) {
        this.store = store;
        this.events = events;
        this.clock = clock;
    }

    @Override
    public void sessionEnded(AgentSession session, SessionEndReason reason) {
        if (reason != SessionEndReason.IDLE) {
            return;
        }
        ObjectNode arguments = Json.object();
        arguments.put("reason", "idle timeout");
        arguments.put("transport", session.transport());
        arguments.put("openedAt", session.openedAt().toString());
        arguments.put("lastActive", session.lastActive().toString());
        ToolCall call = new ToolCall(
                UUID.randomUUID().toString(),
                clock.instant(),
                session.id(),
                Credentials.NONE,
                Optional.of(session.agent()),
                Optional.empty(),
                SESSION_ENDED,
                arguments,
                ToolAnnotations.NONE,
                Optional.empty(),
                Json.object(),
                UpstreamAuth.NONE);
        ObjectNode result = Json.object();
        result.putArray("content")
                .addObject()
                .put("type", "text")
                .put("text", "session ended by Tollgate: idle since " + session.lastActive());
        CallOutcome outcome = new CallOutcome(
                Decision.allowed("sessionIdleTimeout", Optional.empty()), CallStatus.SUCCESS, result, 0);
        try {
            long id = store.recordAttempt(call);
            store.recordOutcome(id, call, outcome, Duration.ZERO);
            store.find(id).ifPresent(r -> events.publish(new EngineEvent.CallCompleted(clock.instant(), r)));
        } catch (AuditUnavailableException e) {
            LOG.warn(
                    "could not record the end of an idle session of agent {}: {}",
                    session.agent().agentId(),
                    e.getMessage());
        }
    }
}
