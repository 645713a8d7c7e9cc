package dev.tollgate.audit;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The H2 file store's writer: a batch is durable once appended to the {@link Journal} (one write for all calls
 * waiting), and an indexer thread feeds the queryable tables from it in large transactions that also record how far
 * into the journal the tables reach. Ids and chain links are assigned here, in journal order; on open, whatever the
 * journal holds beyond the tables (a crash) is applied first. After each index commit the chain head is written to
 * an anchor file beside the store, so {@code audit verify} notices records removed from the end of the table.
 */
final class JournalWriter extends GroupCommitWriter {
    private static final Logger LOG = LoggerFactory.getLogger(JournalWriter.class);
    private static final long RESTART_BYTES = 32L * 1024 * 1024;
    private static final long LINGER_MILLIS = 1000;
    /** How far the tables may fall behind the journal before writers wait for the indexer (backpressure). */
    private static final int MAX_BACKLOG = 50_000;

    private record Batch(List<Journal.Entry> entries, long generation, long end, long lastNumber, int permits) {}

    private final String url;
    private final Journal journal;
    private final Anchor anchor;
    /** Whether an append waits until the disk has it ({@code audit.sync}), not only the operating system. */
    private final boolean sync;

    private final BlockingQueue<Batch> toIndex = new LinkedBlockingQueue<>();
    private final Semaphore backlog = new Semaphore(MAX_BACKLOG);
    private final StoreHealth indexHealth;
    private final Thread indexer;
    private Connection indexConnection;
    private long lastId;
    private Rows.Head head;
    private volatile long indexedGeneration;
    private volatile long indexedEnd;
    private volatile boolean stopping;

    JournalWriter(String url, Connection connection, Path journalFile, Anchor anchor, StoreHealth health, boolean sync)
            throws SQLException, IOException {
        super(health);
        this.sync = sync;
        this.url = url;
        this.anchor = anchor;
        this.indexHealth = new StoreHealth("the index of " + journalFile);
        this.indexConnection = connection;
        ensurePositionTable(connection);
        connection.setAutoCommit(false);
        this.journal = Journal.open(journalFile);
        try {
            long[] position = position(connection);
            Journal.Tail tail = journal.tail(position[0], position[1]);
            if (!tail.entries().isEmpty()) {
                index(connection, tail.entries(), tail.generation(), tail.end());
                LOG.info(
                        "applied {} audit journal entries the database did not hold yet",
                        tail.entries().size());
            }
            head = readHead(connection);
            lastId = Rows.maxId(connection);
            connection.commit();
            journal.restart();
            anchor.write(head);
        } catch (SQLException | IOException | RuntimeException e) {
            journal.close();
            throw e;
        }
        indexedGeneration = journal.generation();
        indexedEnd = journal.size();
        indexer = new Thread(this::indexLoop, "tollgate-audit-indexer");
        indexer.setDaemon(true);
        indexer.start();
    }

    /**
     * For a reader opening a store whose writer is gone (a crash): applies what its journal holds beyond the tables,
     * so reads see every acknowledged record. Leaves a journal alone while its writer holds it.
     */
    static void applyAbandoned(String url, Path journalFile) throws SQLException, IOException {
        if (!Files.isRegularFile(journalFile)) {
            return;
        }
        Journal journal;
        try {
            journal = Journal.open(journalFile);
        } catch (IOException | RuntimeException e) {
            return;
        }
        try (journal;
                Connection c = DriverManager.getConnection(url)) {
            ensurePositionTable(c);
            c.setAutoCommit(false);
            long[] position = position(c);
            Journal.Tail tail = journal.tail(position[0], position[1]);
            if (!tail.entries().isEmpty()) {
                index(c, tail.entries(), tail.generation(), tail.end());
                LOG.info(
                        "applied {} audit journal entries left by a Tollgate that stopped",
                        tail.entries().size());
            }
        }
    }

    // ------------------------------------------------------------------ journal (one writing thread at a time)

    @Override
    List<Runnable> write(List<WriteOp> ops, long lastNumber) throws IOException {
        if (journal.size() > RESTART_BYTES
                && indexedGeneration == journal.generation()
                && indexedEnd == journal.size()) {
            journal.restart();
        }
        long id = lastId;
        Rows.Head chain = head;
        Map<Long, StoredRow> started = new LinkedHashMap<>();
        List<Journal.Entry> entries = new ArrayList<>(ops.size());
        List<Runnable> acks = new ArrayList<>(ops.size());
        for (WriteOp op : ops) {
            if (op instanceof WriteOp.Attempt a) {
                StoredRow row = a.row().withId(++id);
                started.put(row.id(), row);
                entries.add(new Journal.Entry(row, Journal.Kind.ATTEMPT));
                acks.add(() -> {
                    inFlight.put(row.id(), row);
                    a.done().complete(row);
                });
            } else if (op instanceof WriteOp.Complete c) {
                StoredRow base = started.containsKey(c.id()) ? started.remove(c.id()) : inFlight.get(c.id());
                if (base == null) {
                    acks.add(() -> c.done()
                            .completeExceptionally(new IllegalStateException("no open audit record " + c.id())));
                    continue;
                }
                StoredRow row = base.completed(
                                c.agent() == null ? base.agentId() : c.agent(),
                                c.user() == null ? base.userId() : c.user(),
                                c.completion())
                        .chained(chain.seq() + 1, chain.hash());
                chain = new Rows.Head(row.seq(), row.hash());
                entries.add(new Journal.Entry(row, Journal.Kind.COMPLETION));
                acks.add(() -> {
                    inFlight.remove(row.id());
                    c.done().complete(row);
                });
            } else if (op instanceof WriteOp.Append a) {
                List<StoredRow> rows = new ArrayList<>(a.rows().size());
                for (StoredRow r : a.rows()) {
                    StoredRow row = r.withId(++id).chained(chain.seq() + 1, chain.hash());
                    chain = new Rows.Head(row.seq(), row.hash());
                    rows.add(row);
                    entries.add(new Journal.Entry(row, Journal.Kind.RECORD));
                }
                acks.add(() -> a.done().complete(rows));
            }
        }
        int permits = Math.min(entries.size(), MAX_BACKLOG);
        // A live call waits as long as its caller would; a bulk import as long as the indexer needs.
        Duration patience = ops.stream().anyMatch(WriteOp.Append.class::isInstance)
                ? JdbcAuditStore.BULK_TIMEOUT
                : AuditStore.ACK_TIMEOUT;
        if (!awaitBacklog(permits, patience)) {
            throw new IOException("the audit database is more than " + MAX_BACKLOG + " records behind its journal");
        }
        long before = journal.size();
        try {
            journal.append(entries);
            if (sync) {
                journal.sync();
            }
        } catch (IOException e) {
            backlog.release(permits);
            try {
                journal.truncate(before);
            } catch (IOException ignored) {
                // reopen() cuts the torn tail before the next append.
            }
            throw e;
        }
        lastId = id;
        head = chain;
        toIndex.add(new Batch(entries, journal.generation(), journal.size(), lastNumber, permits));
        return acks;
    }

    /**
     * Waits for room in the backlog, through interrupts: the waiting thread writes for a whole group of calls, and
     * its own interrupt (restored afterwards) must not fail the others' records or mark the store down.
     */
    private boolean awaitBacklog(int permits, Duration patience) {
        long deadline = System.nanoTime() + patience.toNanos();
        boolean interrupted = false;
        try {
            while (true) {
                try {
                    return backlog.tryAcquire(permits, Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
                } catch (InterruptedException e) {
                    interrupted = true;
                }
            }
        } finally {
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
        }
    }

    @Override
    void reopen() throws IOException {
        // The journal's size only advances when an append completes, so anything beyond it is a torn write.
        journal.truncate(journal.size());
    }

    // ------------------------------------------------------------------ index (indexer thread)

    private void indexLoop() {
        while (!stopping || !toIndex.isEmpty()) {
            List<Batch> batches = new ArrayList<>();
            try {
                Batch first = toIndex.poll(100, TimeUnit.MILLISECONDS);
                if (first == null) {
                    continue;
                }
                long until = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(LINGER_MILLIS);
                long left;
                while (!stopping && !readerWaiting() && (left = until - System.nanoTime()) > 0) {
                    LockSupport.parkNanos(this, left);
                }
                batches.add(first);
                toIndex.drainTo(batches);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
            indexUntilDone(batches);
        }
    }

    private void indexUntilDone(List<Batch> batches) {
        List<Journal.Entry> entries = new ArrayList<>();
        batches.forEach(b -> entries.addAll(b.entries()));
        int permits = batches.stream().mapToInt(Batch::permits).sum();
        Batch last = batches.get(batches.size() - 1);
        int tries = 0;
        while (true) {
            try {
                if (!indexHealth.up()) {
                    JdbcSupport.closeQuietly(indexConnection);
                    indexConnection = DriverManager.getConnection(url);
                    indexConnection.setAutoCommit(false);
                }
                Rows.Head indexedHead = index(indexConnection, entries, last.generation(), last.end());
                indexHealth.succeeded();
                indexedGeneration = last.generation();
                indexedEnd = last.end();
                backlog.release(permits);
                visible(last.lastNumber());
                if (indexedHead != null) {
                    anchor.write(indexedHead);
                }
                return;
            } catch (SQLException | IOException | RuntimeException e) {
                try {
                    indexConnection.rollback();
                } catch (SQLException | RuntimeException ignored) {
                    // The connection is replaced before the next try.
                }
                indexHealth.failed(e);
                if (stopping && ++tries >= 3) {
                    LOG.warn(
                            "{} journal entries are not in the database yet; they are applied when it opens next",
                            entries.size());
                    backlog.release(permits);
                    visible(last.lastNumber());
                    return;
                }
                try {
                    Thread.sleep(StoreHealth.MAX_BACKOFF.toMillis() / 4);
                } catch (InterruptedException interrupted) {
                    Thread.currentThread().interrupt();
                    return;
                }
            }
        }
    }

    /** Applies entries in one transaction with the journal position they reach; returns the new chain head, if any. */
    private static Rows.Head index(Connection c, List<Journal.Entry> entries, long generation, long end)
            throws SQLException {
        Map<Long, StoredRow> inserts = new LinkedHashMap<>();
        List<StoredRow> completions = new ArrayList<>();
        Rows.Head chain = null;
        for (Journal.Entry e : entries) {
            StoredRow row = e.row();
            switch (e.kind()) {
                case ATTEMPT, RECORD -> inserts.put(row.id(), row);
                case COMPLETION -> {
                    if (inserts.containsKey(row.id())) {
                        inserts.put(row.id(), row);
                    } else {
                        completions.add(row);
                    }
                }
            }
            if (e.finished()) {
                chain = new Rows.Head(row.seq(), row.hash());
            }
        }
        Rows.insert(c, new ArrayList<>(inserts.values()));
        Rows.complete(c, completions);
        if (chain != null) {
            Rows.updateHead(c, chain);
        }
        try (PreparedStatement ps =
                c.prepareStatement("UPDATE tollgate_audit_journal SET generation = ?, end_offset = ? WHERE id = 1")) {
            ps.setLong(1, generation);
            ps.setLong(2, end);
            ps.executeUpdate();
        }
        c.commit();
        return chain;
    }

    private static void ensurePositionTable(Connection c) throws SQLException {
        c.setAutoCommit(true);
        try (Statement st = c.createStatement()) {
            st.execute("CREATE TABLE IF NOT EXISTS tollgate_audit_journal ("
                    + "id INT PRIMARY KEY, generation BIGINT NOT NULL, end_offset BIGINT NOT NULL)");
            try (ResultSet rs = st.executeQuery("SELECT COUNT(*) FROM tollgate_audit_journal")) {
                rs.next();
                if (rs.getLong(1) == 0) {
                    st.execute("INSERT INTO tollgate_audit_journal (id, generation, end_offset) VALUES (1, 0, 0)");
                }
            }
        }
    }

    private static long[] position(Connection c) throws SQLException {
        try (Statement st = c.createStatement();
                ResultSet rs =
                        st.executeQuery("SELECT generation, end_offset FROM tollgate_audit_journal WHERE id = 1")) {
            rs.next();
            return new long[] {rs.getLong(1), rs.getLong(2)};
        }
    }

    private static Rows.Head readHead(Connection c) throws SQLException {
        try (Statement st = c.createStatement();
                ResultSet rs = st.executeQuery("SELECT head_seq, head_hash FROM tollgate_audit_chain WHERE id = 1")) {
            return rs.next() ? new Rows.Head(rs.getLong(1), rs.getString(2)) : Rows.Head.GENESIS;
        }
    }

    @Override
    void readerArrived() {
        LockSupport.unpark(indexer);
    }

    @Override
    void release() {
        stopping = true;
        LockSupport.unpark(indexer);
        try {
            // No time limit: the journal must not be released while the indexer may still write from it. The
            // indexer itself gives up after a few failed tries once stopping.
            indexer.join();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        JdbcSupport.closeQuietly(indexConnection);
        try {
            if (indexedGeneration == journal.generation() && indexedEnd == journal.size()) {
                journal.restart();
            }
            journal.close();
        } catch (IOException e) {
            LOG.debug("closing the audit journal: {}", e.getMessage());
        }
    }
}
