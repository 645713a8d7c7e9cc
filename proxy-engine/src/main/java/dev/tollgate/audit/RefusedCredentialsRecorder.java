package dev.tollgate.audit;

import dev.tollgate.events.EngineEvent;
import dev.tollgate.events.EventBus;
import dev.tollgate.identity.Credentials;
import dev.tollgate.json.Json;
import dev.tollgate.pipeline.BlockReason;
import dev.tollgate.pipeline.CallOutcome;
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
 * Puts refused credentials on the record: a request that presented a bearer credential Tollgate refused
 * (expired or forged JWT, unknown key) never reaches the chain, so this writes its blocked audit record as
 * {@code tollgate.authenticate}. The credential itself is never stored, only what kind it was.
 */
public final class RefusedCredentialsRecorder {
    /** The pseudo tool refused authentications are recorded under. */
    public static final ToolRef AUTHENTICATE = new ToolRef("tollgate", "authenticate");

    private static final Logger LOG = LoggerFactory.getLogger(RefusedCredentialsRecorder.class);

    private final AuditStore store;
    private final EventBus events;
    private final Clock clock;

    public RefusedCredentialsRecorder(AuditStore store, EventBus events, Clock clock) {
        this.store = store;
        this.events = events;
        this.clock = clock;
    }

    /**
     * Records one refusal. Requests that presented no credential at all are the MCP authorization
     * discovery step, not attempts, and are left out.
     */
    public void refused(Credentials presented, String sessionId, String httpMethod, String reason) {
        if (presented.bearer().isEmpty()) {
            return;
        }
        ObjectNode arguments = Json.object();
        arguments.put("httpMethod", httpMethod);
        arguments.put(
                "credential",
                presented.bearer().get().chars().filter(c -> c == '.').count() == 2 ? "bearer JWT" : "bearer key");
        ToolCall call = new ToolCall(
                UUID.randomUUID().toString(),
                clock.instant(),
                sessionId,
                Credentials.NONE,
                Optional.empty(),
                Optional.empty(),
                AUTHENTICATE,
                arguments,
                ToolAnnotations.NONE,
                Optional.empty(),
                Json.object(),
                UpstreamAuth.NONE);
        CallOutcome outcome = CallOutcome.blocked(Decision.blocked(
                BlockReason.AUTHENTICATION,
                "identity",
                Optional.empty(),
                "Tollgate refused the credentials: " + reason));
        try {
            long id = store.recordAttempt(call);
            store.recordOutcome(id, call, outcome, Duration.ZERO);
            store.find(id).ifPresent(r -> events.publish(new EngineEvent.CallCompleted(clock.instant(), r)));
        } catch (AuditUnavailableException e) {
            LOG.warn("could not record a refused authentication: {}", e.getMessage());
        }
    }
}
