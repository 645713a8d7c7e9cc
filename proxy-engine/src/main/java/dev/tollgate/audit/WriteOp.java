package dev.tollgate.audit;

import java.util.List;
import java.util.concurrent.CompletableFuture;

/** One write handed to the audit writer, answered through its future once durable (or failed). */
sealed interface WriteOp {
    CompletableFuture<?> done();

    /** An attempt; the writer gives it its id. */
    record Attempt(StoredRow row, CompletableFuture<StoredRow> done) implements WriteOp {}

    /**
     * The outcome of an attempt; {@code agent}/{@code user} are null when the call gained no identity after the
     * attempt was recorded.
     */
    record Complete(
            long id, String agent, String user, StoredRow.Completion completion, CompletableFuture<StoredRow> done)
            implements WriteOp {}

    /** Finished records in bulk (history import, generated data): ids and chain links are assigned on the way in. */
    record Append(List<StoredRow> rows, CompletableFuture<List<StoredRow>> done) implements WriteOp {}
}
