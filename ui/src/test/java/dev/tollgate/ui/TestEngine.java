package dev.tollgate.ui;

import dev.tollgate.audit.AuditRecord;
import dev.tollgate.audit.AuditStore;
import dev.tollgate.audit.AuditUnavailableException;
import dev.tollgate.audit.JdbcAuditStore;
import dev.tollgate.engine.Engine;
import dev.tollgate.engine.UpstreamStatus;
import dev.tollgate.events.EngineEvent;
import dev.tollgate.events.EventBus;
import dev.tollgate.json.Json;
import dev.tollgate.pipeline.BlockReason;
import dev.tollgate.pipeline.CallOutcome;
import dev.tollgate.pipeline.CallStatus;
import dev.tollgate.pipeline.Decision;
import dev.tollgate.pipeline.ToolCall;
import dev.tollgate.policy.PolicyControl;
import dev.tollgate.testing.TemporaryAuditStore;
import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import tools.jackson.databind.node.ObjectNode;

/**
 * An engine over a real H2 audit store and a real event bus, for view tests before (and besides) the
 * full proxy: calls are recorded through the real store API and published as the proxy publishes them.
 */
class TestEngine implements Engine {
    private final JdbcAuditStore store;
    private final EventBus bus = new EventBus();
    private Optional<PolicyControl> policy;

    TestEngine(JdbcAuditStore store, Optional<PolicyControl> policy) {
        this.store = store;
        this.policy = policy;
    }

    /** Gives the engine a policy built over its own event bus (before a window opens on it). */
    void usePolicy(PolicyControl control) {
        this.policy = Optional.of(control);
    }

    /** Records a finished call in the store (allowed, or blocked by a policy rule) and returns it. */
    AuditRecord record(
            String agent,
            String tool,
            String arguments,
            Instant at,
            String session,
            Optional<String> conversation,
            boolean blocked) {
        return record(
                agent,
                tool,
                arguments,
                at,
                session,
                conversation,
                blocked
                        ? Optional.of(Decision.blocked(
                                BlockReason.POLICY,
                                "role billing deny " + tool,
                                Optional.of("tollgate.yaml:14"),
                                "Tollgate blocked " + tool + ": denied by role billing deny " + tool))
                        : Optional.empty());
    }

    /** Records a call now that {@code guard} blocked under {@code rule} (a limit, the loop breaker) and publishes it. */
    AuditRecord callBlocked(String agent, String tool, BlockReason guard, String rule) {
        AuditRecord r = record(
                agent,
                tool,
                "{}",
                Instant.now(),
                "session-live",
                Optional.empty(),
                Optional.of(Decision.blocked(
                        guard, rule, Optional.of("tollgate.yaml:9"), "Tollgate blocked " + tool + ": " + rule)));
        bus.publish(new EngineEvent.CallCompleted(Instant.now(), r));
        return r;
    }

    private AuditRecord record(
            String agent,
            String tool,
            String arguments,
            Instant at,
            String session,
            Optional<String> conversation,
            Optional<Decision> blockedBy) {
        boolean blocked = blockedBy.isPresent();
        ToolCall call = TemporaryAuditStore.call(agent, tool, Json.parse(arguments), at, session, conversation);
        try {
            long id = store.recordAttempt(call);
            CallOutcome outcome;
            if (blocked) {
                outcome = CallOutcome.blocked(blockedBy.get());
            } else {
                ObjectNode result = Json.object();
                result.putArray("content").addObject().put("type", "text").put("text", "ok " + tool);
                outcome = new CallOutcome(
                        Decision.allowed("role billing allow " + tool, Optional.of("tollgate.yaml:12")),
                        CallStatus.SUCCESS,
                        result,
                        64);
            }
            return store.complete(id, call, outcome, Duration.ofMillis(blocked ? 1 : 35));
        } catch (AuditUnavailableException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Records a call now and publishes it as the proxy does when the call completes. */
    AuditRecord call(String agent, String tool, String arguments, boolean blocked) {
        AuditRecord r = record(agent, tool, arguments, Instant.now(), "session-live", Optional.empty(), blocked);
        bus.publish(new EngineEvent.CallCompleted(Instant.now(), r));
        return r;
    }

    @Override
    public Optional<URI> endpoint() {
        return Optional.of(URI.create("http://127.0.0.1:7070/mcp"));
    }

    @Override
    public EventBus events() {
        return bus;
    }

    @Override
    public AuditStore audit() {
        return store;
    }

    @Override
    public Optional<PolicyControl> policy() {
        return policy;
    }

    @Override
    public List<UpstreamStatus> upstreams() {
        return List.of(
                new UpstreamStatus("crm", "http", "connected", "", 4),
                new UpstreamStatus("payments", "http", "connected", "", 3));
    }

    @Override
    public void close() {
        bus.close();
    }
}
