package dev.tollgate.audit;

import dev.tollgate.json.Json;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Optional;

/**
 * One row exactly as the database holds it (nullable columns stay null here, inside the package), so
 * the hash is computed over what is stored rather than over a re-serialisation.
 */
record StoredRow(
        long id,
        long timestampMicros,
        String agentId,
        String sessionId,
        String userId,
        String server,
        String tool,
        String argumentsJson,
        String conversationId,
        String writerId,
        String decision,
        String rule,
        String ruleSource,
        String reason,
        String status,
        Long latencyMicros,
        Long responseSize,
        String resultJson,
        Long seq,
        String prevHash,
        String hash,
        String shadowDecision,
        String shadowRule) {

    static final String PENDING = "pending";

    StoredRow withId(long newId) {
        return new StoredRow(
                newId,
                timestampMicros,
                agentId,
                sessionId,
                userId,
                server,
                tool,
                argumentsJson,
                conversationId,
                writerId,
                decision,
                rule,
                ruleSource,
                reason,
                status,
                latencyMicros,
                responseSize,
                resultJson,
                seq,
                prevHash,
                hash,
                shadowDecision,
                shadowRule);
    }

    StoredRow completed(String newAgent, String newUser, Completion c) {
        return new StoredRow(
                id,
                timestampMicros,
                newAgent,
                sessionId,
                newUser,
                server,
                tool,
                argumentsJson,
                conversationId,
                writerId,
                c.decision(),
                c.rule(),
                c.ruleSource(),
                c.reason(),
                c.status(),
                c.latencyMicros(),
                c.responseSize(),
                c.resultJson(),
                seq,
                prevHash,
                hash,
                c.shadowDecision(),
                c.shadowRule());
    }

    StoredRow chained(long newSeq, String newPrev) {
        // ChainHash takes seq and prev as arguments and never reads this row's own seq, prev or hash.
        String newHash = ChainHash.of(this, newSeq, newPrev);
        return new StoredRow(
                id,
                timestampMicros,
                agentId,
                sessionId,
                userId,
                server,
                tool,
                argumentsJson,
                conversationId,
                writerId,
                decision,
                rule,
                ruleSource,
                reason,
                status,
                latencyMicros,
                responseSize,
                resultJson,
                newSeq,
                newPrev,
                newHash,
                shadowDecision,
                shadowRule);
    }

    boolean complete() {
        return seq != null;
    }

    static long micros(Instant instant) {
        return ChronoUnit.MICROS.between(Instant.EPOCH, instant);
    }

    static Instant instant(long micros) {
        return Instant.EPOCH.plus(micros, ChronoUnit.MICROS);
    }

    AuditRecord toRecord() {
        return new AuditRecord(
                id,
                instant(timestampMicros),
                agentId,
                sessionId,
                Optional.ofNullable(userId),
                server,
                tool,
                Json.parse(argumentsJson),
                decision == null ? PENDING : decision,
                rule == null ? "" : rule,
                Optional.ofNullable(ruleSource),
                reason == null ? "" : reason,
                status == null ? PENDING : status,
                latencyMicros == null ? 0 : latencyMicros / 1000.0,
                responseSize == null ? 0 : responseSize,
                Optional.ofNullable(conversationId),
                resultJson == null ? Optional.empty() : Optional.of(Json.parse(resultJson)),
                prevHash == null ? "" : prevHash,
                hash == null ? "" : hash,
                Optional.ofNullable(shadowDecision),
                Optional.ofNullable(shadowRule));
    }

    /** The outcome half of a row, filled in when the call completes; the shadow fields only on a disagreement. */
    record Completion(
            String decision,
            String rule,
            String ruleSource,
            String reason,
            String status,
            long latencyMicros,
            long responseSize,
            String resultJson,
            String shadowDecision,
            String shadowRule) {}
}
