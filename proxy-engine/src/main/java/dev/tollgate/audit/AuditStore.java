package dev.tollgate.audit;

import dev.tollgate.pipeline.CallOutcome;
import dev.tollgate.pipeline.ToolCall;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.function.Consumer;

/** The tamper-evident record of every call attempt (H2 file by default, PostgreSQL for teams). */
public interface AuditStore extends AutoCloseable {

    /** Records the attempt durably before the call is forwarded; returns the record id. */
    long recordAttempt(ToolCall call) throws AuditUnavailableException;

    /** Completes the attempt's record with its decision and outcome and links it into the hash chain. */
    void recordOutcome(long id, ToolCall call, CallOutcome outcome, Duration latency) throws AuditUnavailableException;

    /** Records, matching the query, in id order (or newest first when the query says so). */
    List<AuditRecord> query(AuditQuery query);

    long count(AuditQuery query);

    /** The record with this id, if there is one. */
    default Optional<AuditRecord> find(long id) {
        return query(AuditQuery.builder().afterId(id - 1).beforeId(id + 1).limit(1).build()).stream().findFirst();
    }

    /** Streams every matching record in id order without holding them all in memory. */
    void scan(AuditQuery query, Consumer<AuditRecord> consumer);

    VerifyResult verify();

    /** Where the store lives, for the status bar ("~/.tollgate/audit.mv.db"). */
    String location();

    /** Size on disk in bytes, or -1 when not known (a remote database). */
    long sizeBytes();

    @Override
    void close();
}
