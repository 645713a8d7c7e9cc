package dev.tollgate.audit;

import dev.tollgate.pipeline.CallOutcome;
import dev.tollgate.pipeline.ToolCall;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.BiConsumer;
import java.util.function.Consumer;

/** The tamper-evident record of every call attempt (H2 file by default, PostgreSQL for teams). */
public interface AuditStore extends AutoCloseable {

    /** Records the attempt durably before the call is forwarded; returns the record id. */
    long recordAttempt(ToolCall call) throws AuditUnavailableException;

    /** How long a caller waits for the store to confirm a write before treating it as unavailable. */
    Duration ACK_TIMEOUT = Duration.ofSeconds(10);

    /**
     * Completes the attempt's record with its decision and outcome and links it into the hash chain, without
     * waiting: the future yields the record once it is durable (commits are shared with concurrent calls), or why
     * it could not be stored.
     */
    CompletableFuture<AuditRecord> completeAsync(long id, ToolCall call, CallOutcome outcome, Duration latency);

    /** Completes the record and waits until it is durable; returns it as stored. */
    default AuditRecord complete(long id, ToolCall call, CallOutcome outcome, Duration latency)
            throws AuditUnavailableException {
        CompletableFuture<AuditRecord> done = completeAsync(id, call, outcome, latency);
        try {
            return done.get(ACK_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AuditUnavailableException("interrupted while waiting for the audit store", e);
        } catch (TimeoutException e) {
            throw new AuditUnavailableException(
                    "the audit store did not confirm the record within " + ACK_TIMEOUT.toSeconds() + " s", e);
        } catch (ExecutionException e) {
            if (e.getCause() instanceof AuditUnavailableException unavailable) {
                throw unavailable;
            }
            throw new AuditUnavailableException(
                    "the audit store could not take the record: " + e.getCause().getMessage(), e.getCause());
        }
    }

    /** Completes the attempt's record with its decision and outcome and links it into the hash chain. */
    default void recordOutcome(long id, ToolCall call, CallOutcome outcome, Duration latency)
            throws AuditUnavailableException {
        complete(id, call, outcome, latency);
    }

    /** The redaction rules this store applies to everything it keeps; events shown elsewhere use the same. */
    Redactor redactor();

    /** Records, matching the query, in id order (or newest first when the query says so). */
    List<AuditRecord> query(AuditQuery query);

    long count(AuditQuery query);

    /** The record with this id, if there is one. */
    default Optional<AuditRecord> find(long id) {
        return query(AuditQuery.builder()
                        .afterId(id - 1)
                        .beforeId(id + 1)
                        .limit(1)
                        .build())
                .stream()
                .findFirst();
    }

    /** Streams every matching record in id order without holding them all in memory. */
    void scan(AuditQuery query, Consumer<AuditRecord> consumer);

    VerifyResult verify();

    /** Whether the store takes records now; while it does not, calls are blocked. */
    boolean available();

    /**
     * Tells {@code listener} when the store goes down ({@code false} and the reason) and when it takes records
     * again ({@code true}); it runs on whichever thread wrote to the store and must not block.
     */
    void onAvailability(BiConsumer<Boolean, String> listener);

    /**
     * Removes the records older than {@code before} (a prefix of the chain), after appending a checkpoint record that
     * states what was removed, so {@link #verify()} stays meaningful; writes them to {@code archive} first when given.
     */
    PruneResult prune(Instant before, Optional<Path> archive) throws AuditUnavailableException;

    /** Where the store lives, for the status bar ("~/.tollgate/audit.mv.db"). */
    String location();

    /** Size on disk in bytes, or -1 when not known (a remote database). */
    long sizeBytes();

    @Override
    void close();
}
