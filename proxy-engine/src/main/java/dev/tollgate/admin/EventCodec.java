package dev.tollgate.admin;

import dev.tollgate.audit.AuditRecord;
import dev.tollgate.events.EngineEvent;
import dev.tollgate.json.Json;
import java.time.Instant;
import java.util.Optional;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * Engine events as the admin stream sends them (one JSON object per SSE {@code data:} line, {@code type} naming the
 * event) and back. Completed calls, breaker trips, policy reloads and upstream changes travel; a call's start and
 * decision do not (its completed record follows within the call's latency).
 */
public final class EventCodec {
    private EventCodec() {}

    /** The JSON of an event that travels; empty for the ones that do not. */
    public static Optional<ObjectNode> toJson(EngineEvent event) {
        ObjectNode out = Json.object();
        out.put("at", event.at().toString());
        if (event instanceof EngineEvent.CallCompleted completed) {
            out.put("type", "call");
            out.set("record", record(completed.record()));
        } else if (event instanceof EngineEvent.LoopBreakerTripped trip) {
            out.put("type", "loopBreakerTripped");
            out.put("agentId", trip.agentId());
            out.put("tool", trip.tool());
            out.put("repeats", trip.repeats());
            out.put("window", trip.window());
        } else if (event instanceof EngineEvent.PolicyReloaded reload) {
            out.put("type", "policyReloaded");
            out.put("applied", reload.applied());
            out.put("problem", reload.problem());
        } else if (event instanceof EngineEvent.UpstreamStateChanged change) {
            out.put("type", "upstreamStateChanged");
            out.put("server", change.server());
            out.put("state", change.state());
            out.put("detail", change.detail());
        } else {
            return Optional.empty();
        }
        return Optional.of(out);
    }

    /** The event a JSON object from the stream describes; empty for types this version does not know. */
    public static Optional<EngineEvent> fromJson(JsonNode json) {
        Instant at = Instant.parse(json.path("at").asString());
        return switch (json.path("type").asString("")) {
            case "call" -> Optional.of(new EngineEvent.CallCompleted(at, record(json.path("record"))));
            case "loopBreakerTripped" ->
                Optional.of(new EngineEvent.LoopBreakerTripped(
                        at,
                        json.path("agentId").asString(),
                        json.path("tool").asString(),
                        json.path("repeats").asInt(),
                        json.path("window").asString()));
            case "policyReloaded" ->
                Optional.of(new EngineEvent.PolicyReloaded(
                        at,
                        json.path("applied").asBoolean(),
                        json.path("problem").asString("")));
            case "upstreamStateChanged" ->
                Optional.of(new EngineEvent.UpstreamStateChanged(
                        at,
                        json.path("server").asString(),
                        json.path("state").asString(),
                        json.path("detail").asString("")));
            default -> Optional.empty();
        };
    }

    static ObjectNode record(AuditRecord r) {
        ObjectNode out = Json.object();
        out.put("id", r.id());
        out.put("timestamp", r.timestamp().toString());
        out.put("agentId", r.agentId());
        out.put("sessionId", r.sessionId());
        r.user().ifPresent(u -> out.put("user", u));
        out.put("server", r.server());
        out.put("tool", r.tool());
        out.set("arguments", r.arguments());
        out.put("decision", r.decision());
        out.put("rule", r.rule());
        r.ruleSource().ifPresent(s -> out.put("ruleSource", s));
        out.put("reason", r.reason());
        out.put("status", r.status());
        out.put("latencyMs", r.latencyMs());
        out.put("responseSize", r.responseSize());
        r.conversationId().ifPresent(c -> out.put("conversationId", c));
        r.result().ifPresent(res -> out.set("result", res));
        out.put("prevHash", r.prevHash());
        out.put("hash", r.hash());
        return out;
    }

    static AuditRecord record(JsonNode j) {
        return new AuditRecord(
                j.path("id").asLong(),
                Instant.parse(j.path("timestamp").asString()),
                j.path("agentId").asString(),
                j.path("sessionId").asString(),
                text(j, "user"),
                j.path("server").asString(),
                j.path("tool").asString(),
                j.path("arguments"),
                j.path("decision").asString(),
                j.path("rule").asString(),
                text(j, "ruleSource"),
                j.path("reason").asString(),
                j.path("status").asString(),
                j.path("latencyMs").asDouble(),
                j.path("responseSize").asLong(),
                text(j, "conversationId"),
                j.has("result") ? Optional.of(j.get("result")) : Optional.empty(),
                j.path("prevHash").asString(),
                j.path("hash").asString());
    }

    private static Optional<String> text(JsonNode j, String field) {
        return j.hasNonNull(field) ? Optional.of(j.get(field).asString()) : Optional.empty();
    }
}
