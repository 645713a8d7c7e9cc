package dev.tollgate.audit;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.ReentrantLock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The write side of the store, committing in groups without a writer thread: a caller queues its write and, if no
 * one is writing, writes everything queued by then itself (the leader); callers that arrive meanwhile wait for the
 * leader's next round, so concurrent calls share one commit. A lone call thus pays no thread hand-off, which is
 * most of the cost of a durable write at moderate load. Subclasses say what "durable" means (a journal append, a
 * database commit). Writes fail fast while the store is down, apart from one retry per backoff interval
 * ({@link StoreHealth}).
 */
abstract class GroupCommitWriter implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(GroupCommitWriter.class);
    static final int MAX_BATCH = 1024;
    static final String INTERRUPTED = "interrupted: Tollgate stopped before the call completed";
    static final StoredRow.Completion INTERRUPTED_COMPLETION =
            new StoredRow.Completion("allowed", "", null, INTERRUPTED, "error", 0, 0, null, null, null);

    private record Queued(WriteOp op, long number) {}

    private final Queue<Queued> queue = new ConcurrentLinkedQueue<>();
    private final ReentrantLock writing = new ReentrantLock();
    private final Object visibility = new Object();
    private long enqueued;
    private long visibleThrough;
    private int waitingReaders;
    private volatile boolean closed;
    private boolean released;
    /** Attempts stored but not completed yet, by id (their rows are needed to chain the completion). */
    final Map<Long, StoredRow> inFlight = new ConcurrentHashMap<>();

    final StoreHealth health;

    GroupCommitWriter(StoreHealth health) {
        this.health = health;
    }

    /**
     * Makes the operations durable together, then returns what to acknowledge. Called by one thread at a time.
     * Must call {@link #visible} with {@code lastNumber} once readers can see them (at once, or later).
     */
    abstract List<Runnable> write(List<WriteOp> ops, long lastNumber) throws Exception;

    /** Called before a retry after a failure: reconnect, reopen, drop a torn tail. */
    abstract void reopen() throws Exception;

    /** Releases files and connections after the last write. */
    abstract void release();

    CompletableFuture<StoredRow> attempt(StoredRow row) {
        return submit(new WriteOp.Attempt(row, new CompletableFuture<>()));
    }

    CompletableFuture<StoredRow> complete(long id, String agent, String user, StoredRow.Completion completion) {
        return submit(new WriteOp.Complete(id, agent, user, completion, new CompletableFuture<>()));
    }

    CompletableFuture<List<StoredRow>> append(List<StoredRow> rows) {
        return submit(new WriteOp.Append(List.copyOf(rows), new CompletableFuture<>()));
    }

    @SuppressWarnings("unchecked")
    private <T> CompletableFuture<T> submit(WriteOp op) {
        CompletableFuture<T> done = (CompletableFuture<T>) op.done();
        if (closed) {
            done.completeExceptionally(new AuditUnavailableException("the audit store is closed", null));
            return done;
        }
        if (!health.mayTry()) {
            done.completeExceptionally(
                    new AuditUnavailableException("the audit store is down: " + health.reason(), null));
            return done;
        }
        synchronized (visibility) {
            queue.add(new Queued(op, ++enqueued));
        }
        writeQueued();
        return done;
    }

    /**
     * Writes what is queued unless another thread is writing; that thread looks at the queue again after its
     * round, so nothing queued is left behind. Acknowledgements run after the lock is released, so a caller
     * continuing from one never writes while holding it.
     */
    private void writeQueued() {
        while (!queue.isEmpty() && writing.tryLock()) {
            List<Runnable> acks;
            try {
                acks = writeRound();
            } finally {
                writing.unlock();
            }
            acks.forEach(Runnable::run);
        }
    }

    private List<Runnable> writeRound() {
        List<Queued> batch = new ArrayList<>();
        Queued next;
        while (batch.size() < MAX_BATCH && (next = queue.poll()) != null) {
            batch.add(next);
        }
        if (batch.isEmpty()) {
            return List.of();
        }
        List<WriteOp> ops = new ArrayList<>(batch.size());
        batch.forEach(q -> ops.add(q.op()));
        long last = batch.get(batch.size() - 1).number();
        if (released) {
            visible(last);
            return refuse(ops, new AuditUnavailableException("the audit store is closed", null));
        }
        // A request thread leads the write: its interrupt must not count as a store failure.
        boolean interrupted = Thread.interrupted();
        try {
            if (!health.up()) {
                reopen();
            }
            List<Runnable> acks = write(ops, last);
            health.succeeded();
            return acks;
        } catch (Exception e) {
            health.failed(e);
            visible(last);
            return refuse(ops, new AuditUnavailableException("the audit store is down: " + health.reason(), e));
        } finally {
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
        }
    }

    private static List<Runnable> refuse(List<WriteOp> ops, AuditUnavailableException why) {
        List<Runnable> acks = new ArrayList<>(ops.size());
        ops.forEach(op -> acks.add(() -> op.done().completeExceptionally(why)));
        return acks;
    }

    /** Readers see every write handed over before they asked (or, after a timeout, what is visible by then). */
    void awaitVisible() {
        if (writing.isHeldByCurrentThread()) {
            return;
        }
        long deadline = System.nanoTime() + AuditStore.ACK_TIMEOUT.toNanos();
        synchronized (visibility) {
            long target = enqueued;
            long left;
            waitingReaders++;
            readerArrived();
            try {
                while (visibleThrough < target && (left = deadline - System.nanoTime()) > 0) {
                    TimeUnit.NANOSECONDS.timedWait(visibility, left);
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            } finally {
                waitingReaders--;
            }
        }
    }

    /** Called when a reader starts waiting, so a writer that lingers to batch more can stop lingering. */
    void readerArrived() {}

    /** Whether some reader waits for writes up to now to become visible (then there is no point in lingering). */
    boolean readerWaiting() {
        synchronized (visibility) {
            return waitingReaders > 0;
        }
    }

    final void visible(long number) {
        synchronized (visibility) {
            if (number > visibleThrough) {
                visibleThrough = number;
                visibility.notifyAll();
            }
        }
    }

    /**
     * Stops taking writes: queued writes are still made, and attempts whose calls are still running are completed
     * as interrupted, since their outcomes can no longer be recorded.
     */
    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        List<Runnable> acks = new ArrayList<>();
        try {
            if (!writing.tryLock(AuditStore.ACK_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)) {
                LOG.warn("the audit writer did not finish its last round; closing anyway");
                writing.lock();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            writing.lock();
        }
        try {
            while (!queue.isEmpty()) {
                acks.addAll(writeRound());
            }
            if (!inFlight.isEmpty()) {
                List<WriteOp> interrupted = new ArrayList<>();
                for (Long id : List.copyOf(inFlight.keySet())) {
                    interrupted.add(
                            new WriteOp.Complete(id, null, null, INTERRUPTED_COMPLETION, new CompletableFuture<>()));
                }
                try {
                    acks.addAll(write(interrupted, Long.MAX_VALUE));
                } catch (Exception e) {
                    LOG.warn(
                            "could not close {} open audit record(s): {}",
                            interrupted.size(),
                            StoreHealth.rootCause(e));
                }
            }
            release();
            released = true;
        } finally {
            writing.unlock();
        }
        acks.forEach(Runnable::run);
        // A write queued while closing found the lock held; it is refused now rather than left waiting.
        writeQueued();
    }
}
