package dev.tollgate.audit;

import dev.tollgate.events.EngineEvent;
import dev.tollgate.events.EventBus;
import dev.tollgate.identity.AgentIdentity;
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
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * Puts 2026-07-28 requests whose {@code Mcp-Method}/{@code Mcp-Name} headers disagreed with their body on the
 * record as blocked attempts: an intermediary routing or filtering on those headers saw one call while the body
 * asked for another, so the attempt matters even though it never reached the chain. A tool call is recorded
 * under the tool its body named, with its arguments redacted like any call's; other methods under
 * {@code tollgate.protocol}.
 */
public final class HeaderMismatchRecorder {
    /** The pseudo tool non-call mismatches are recorded under. */
    public static final ToolRef PROTOCOL = new ToolRef("tollgate", "protocol");

    private static final Logger LOG = LoggerFactory.getLogger(HeaderMismatchRecorder.class);

    private final AuditStore store;
    private final EventBus events;
    private final Redactor redactor;
    private final Function<String, ToolRef> toolNamed;
    private final Clock clock;

    /** {@code toolNamed} routes an agent-facing tool name to the server and tool it stands for. */
    public HeaderMismatchRecorder(
            AuditStore store, EventBus events, Redactor redactor, Function<String, ToolRef> toolNamed, Clock clock) {
        this.store = store;
        this.events = events;
        this.redactor = redactor;
        this.toolNamed = toolNamed;
        this.clock = clock;
    }

    /** Records one refused request; {@code agent} is empty when its credentials did not authenticate either. */
    public void refused(Optional<AgentIdentity> agent, Credentials presented, JsonNode body, String reason) {
        String method = body.path("method").asString("");
        JsonNode params = body.path("params");
        boolean toolCall = method.equals("tools/call") && params.path("name").isString();
        ToolRef target = toolCall ? toolNamed.apply(params.get("name").asString()) : PROTOCOL;
        ObjectNode arguments;
        if (toolCall && params.path("arguments").isObject()) {
            arguments = (ObjectNode) redactor.redact(params.get("arguments"));
        } else {
            arguments = Json.object();
            arguments.put("method", method);
        }
        ToolCall call = new ToolCall(
                UUID.randomUUID().toString(),
                clock.instant(),
                "-",
                Credentials.NONE,
                agent,
                Optional.empty(),
                target,
                arguments,
                ToolAnnotations.NONE,
                Optional.empty(),
                Json.object(),
                UpstreamAuth.NONE);
        CallOutcome outcome = CallOutcome.blocked(Decision.blocked(
                BlockReason.PROTOCOL, "header mismatch", Optional.empty(), "Tollgate refused the request: " + reason));
        try {
            long id = store.recordAttempt(call);
            store.recordOutcome(id, call, outcome, Duration.ZERO);
            store.find(id).ifPresent(r -> events.publish(new EngineEvent.CallCompleted(clock.instant(), r)));
        } catch (AuditUnavailableException e) {
            LOG.warn("could not record a refused request: {}", e.getMessage());
        }
    }
}
