package dev.tollgate.admin;

import dev.tollgate.audit.AuditStore;
import dev.tollgate.audit.AuditUnavailableException;
import dev.tollgate.events.EngineEvent;
import dev.tollgate.events.EventBus;
import dev.tollgate.identity.AgentIdentity;
import dev.tollgate.identity.Credentials;
import dev.tollgate.json.Json;
import dev.tollgate.pipeline.CallOutcome;
import dev.tollgate.pipeline.CallStatus;
import dev.tollgate.pipeline.Decision;
import dev.tollgate.pipeline.ToolAnnotations;
import dev.tollgate.pipeline.ToolCall;
import dev.tollgate.pipeline.ToolRef;
import dev.tollgate.upstream.UpstreamAuth;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.time.Duration;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * Puts a policy applied over the admin listener on the audit record, as {@code tollgate.applyPolicy} by agent
 * {@code admin}: who applied it (as the client declared), from where, the texts' SHA-256 before and after, and the
 * lines removed and added.
 */
final class PolicyApplyRecorder {
    static final ToolRef APPLY_POLICY = new ToolRef("tollgate", "applyPolicy");

    private final AuditStore store;
    private final EventBus events;
    private final Clock clock;

    PolicyApplyRecorder(AuditStore store, EventBus events, Clock clock) {
        this.store = store;
        this.events = events;
        this.clock = clock;
    }

    void applied(String appliedBy, String from, String before, String after) throws AuditUnavailableException {
        ObjectNode arguments = Json.object();
        arguments.put("appliedBy", appliedBy);
        arguments.put("from", from);
        arguments.put("previousSha256", sha256(before));
        arguments.put("sha256", sha256(after));
        arguments.set("removed", lines(before, after));
        arguments.set("added", lines(after, before));
        ToolCall call = new ToolCall(
                UUID.randomUUID().toString(),
                clock.instant(),
                "admin",
                Credentials.NONE,
                Optional.of(new AgentIdentity("admin", List.of(), "admin token")),
                Optional.empty(),
                APPLY_POLICY,
                arguments,
                ToolAnnotations.NONE,
                Optional.empty(),
                Json.object(),
                UpstreamAuth.NONE);
        CallOutcome outcome = new CallOutcome(
                Decision.allowed("admin token", Optional.empty()), CallStatus.SUCCESS, Json.object(), 0);
        long id = store.recordAttempt(call);
        store.recordOutcome(id, call, outcome, Duration.ZERO);
        store.find(id).ifPresent(r -> events.publish(new EngineEvent.CallCompleted(clock.instant(), r)));
    }

    /** Lines of {@code text} that {@code other} does not have, in order. */
    private static ArrayNode lines(String text, String other) {
        Set<String> present = new HashSet<>(List.of(other.split("\n", -1)));
        ArrayNode out = Json.MAPPER.createArrayNode();
        for (String line : text.split("\n", -1)) {
            if (!present.contains(line)) {
                out.add(line);
            }
        }
        return out;
    }

    private static String sha256(String text) {
        try {
            return HexFormat.of()
                    .formatHex(MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("this JVM has no SHA-256", e);
        }
    }
}
