package dev.tollgate.audit;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The write side of the store: one thread takes every write from a queue and makes whatever has accumulated
 * durable at once (group commit), so concurrent calls share one commit; each caller's future completes only after
 * it. Subclasses say what "durable" means (a journal append, a database commit). Writes fail fast while the store
 * is down, apart from one retry per backoff interval ({@link StoreHealth}).
 */
abstract class QueuedWriter implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(QueuedWriter.class);
    static final int MAX_BATCH = 1024;
    static final String INTERRUPTED = "interrupted: Tollgate stopped before the call completed";
    static final StoredRow.Completion INTERRUPTED_COMPLETION =
            new StoredRow.Completion("allowed", "", null, INTERRUPTED, "error", 0, 0, null, null, null);

    private record Queued(WriteOp op, long number) {}

    private final BlockingQueue<Queued> queue = new LinkedBlockingQueue<>();
    private final Object visibility = new Object();
    private long enqueued;
    private long visibleThrough;
    private int waitingReaders;
    private Thread thread;
    private volatile boolean closed;
    /** Attempts stored but not completed yet, by id (their rows are needed to chain the completion). */
    final Map<Long, StoredRow> inFlight = new ConcurrentHashMap<>();

    final StoreHealth health;

    QueuedWriter(StoreHealth health) {
        this.health = health;
    }

    /** Starts the writer thread; subclasses call it once they are ready to write. */
    final void start() {
        thread = new Thread(this::loop, "tollgate-audit-writer");
        thread.setDaemon(true);
        thread.start();
    }

    /**
     * Makes the operations durable together, then returns what to acknowledge. Called on the writer thread only.
     * Must call {@link #visible} with {@code lastNumber} once readers can see them (at once, or later).
     */
    abstract List<Runnable> write(List<WriteOp> ops, long lastNumber) throws Exception;

    /** Called on the writer thread before a retry after a failure: reconnect, reopen, drop a torn tail. */
    abstract void reopen() throws Exception;

    /** Releases files and connections after the queue is drained. */
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
        return done;
    }

    /** Readers see every write handed over before they asked (or, after a timeout, what is visible by then). */
    void awaitVisible() {
        if (Thread.currentThread() == thread) {
            return;
        }
        long deadline = System.nanoTime() + AuditStore.ACK_TIMEOUT.toNanos();
        synchronized (visibility) {
            long target = enqueued;
            long left;
            waitingReaders++;
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

    private void loop() {
        List<Queued> batch = new ArrayList<>(MAX_BATCH);
        while (!closed || !queue.isEmpty()) {
            try {
                Queued first = queue.poll(100, TimeUnit.MILLISECONDS);
                if (first == null) {
                    continue;
                }
                batch.add(first);
                queue.drainTo(batch, MAX_BATCH - 1);
                writeBatch(batch);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            } finally {
                batch.clear();
            }
        }
        for (Queued left : queue) {
            left.op().done().completeExceptionally(new AuditUnavailableException("the audit store is closed", null));
        }
    }

    private void writeBatch(List<Queued> batch) {
        List<WriteOp> ops = new ArrayList<>(batch.size());
        batch.forEach(q -> ops.add(q.op()));
        long last = batch.get(batch.size() - 1).number();
        try {
            if (!health.up()) {
                reopen();
            }
            List<Runnable> acks = write(ops, last);
            health.succeeded();
            acks.forEach(Runnable::run);
        } catch (Exception e) {
            health.failed(e);
            AuditUnavailableException refused =
                    new AuditUnavailableException("the audit store is down: " + health.reason(), e);
            ops.forEach(op -> op.done().completeExceptionally(refused));
            visible(last);
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
        if (thread != null) {
            try {
                thread.join(AuditStore.ACK_TIMEOUT.toMillis());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        if (!inFlight.isEmpty()) {
            List<WriteOp> interrupted = new ArrayList<>();
            for (Long id : List.copyOf(inFlight.keySet())) {
                interrupted.add(
                        new WriteOp.Complete(id, null, null, INTERRUPTED_COMPLETION, new CompletableFuture<>()));
            }
            try {
                write(interrupted, Long.MAX_VALUE).forEach(Runnable::run);
            } catch (Exception e) {
                LOG.warn("could not close {} open audit record(s): {}", interrupted.size(), StoreHealth.rootCause(e));
            }
        }
        release();
    }
}
