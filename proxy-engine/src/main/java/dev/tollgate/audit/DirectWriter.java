package dev.tollgate.audit;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * Writes straight into the database, one transaction per batch: the mode for PostgreSQL (several Tollgate
 * instances share one store, so the chain is extended under a row lock on its head) and in-memory H2. Records are
 * durable and visible when the transaction commits.
 */
final class DirectWriter extends GroupCommitWriter {
    private final String url;
    private final SqlDialect dialect;
    private Connection connection;

    DirectWriter(String url, SqlDialect dialect, Connection connection, StoreHealth health) throws SQLException {
        super(health);
        this.url = url;
        this.dialect = dialect;
        this.connection = connection;
        connection.setAutoCommit(false);
    }

    @Override
    List<Runnable> write(List<WriteOp> ops, long lastNumber) throws SQLException {
        Connection c = connection;
        List<Runnable> acks = new ArrayList<>();
        try {
            List<WriteOp.Attempt> attempts = new ArrayList<>();
            for (WriteOp op : ops) {
                if (op instanceof WriteOp.Attempt a) {
                    attempts.add(a);
                }
            }
            if (!attempts.isEmpty()) {
                List<Long> ids = nextIds(c, attempts.size());
                List<StoredRow> rows = new ArrayList<>(attempts.size());
                for (int i = 0; i < attempts.size(); i++) {
                    StoredRow row = attempts.get(i).row().withId(ids.get(i));
                    WriteOp.Attempt a = attempts.get(i);
                    rows.add(row);
                    acks.add(() -> {
                        inFlight.put(row.id(), row);
                        a.done().complete(row);
                    });
                }
                Rows.insert(c, rows);
            }
            Rows.Head head = null;
            List<StoredRow> completed = new ArrayList<>();
            List<StoredRow> appended = new ArrayList<>();
            for (WriteOp op : ops) {
                if (op instanceof WriteOp.Complete done) {
                    head = head == null ? Rows.lockHead(c) : head;
                    StoredRow base = inFlight.containsKey(done.id())
                            ? inFlight.get(done.id())
                            : Rows.load(c, done.id(), Rows.COLUMNS).orElse(null);
                    if (base == null || base.complete()) {
                        String problem = base == null
                                ? "no audit record " + done.id()
                                : "audit record " + done.id() + " is already complete";
                        acks.add(() -> done.done().completeExceptionally(new IllegalStateException(problem)));
                        continue;
                    }
                    StoredRow row = base.completed(
                                    done.agent() == null ? base.agentId() : done.agent(),
                                    done.user() == null ? base.userId() : done.user(),
                                    done.completion())
                            .chained(head.seq() + 1, head.hash());
                    head = new Rows.Head(row.seq(), row.hash());
                    completed.add(row);
                    acks.add(() -> {
                        inFlight.remove(row.id());
                        done.done().complete(row);
                    });
                } else if (op instanceof WriteOp.Append append) {
                    head = head == null ? Rows.lockHead(c) : head;
                    List<Long> ids = nextIds(c, append.rows().size());
                    List<StoredRow> rows = new ArrayList<>();
                    for (int i = 0; i < ids.size(); i++) {
                        StoredRow row = append.rows().get(i).withId(ids.get(i)).chained(head.seq() + 1, head.hash());
                        head = new Rows.Head(row.seq(), row.hash());
                        rows.add(row);
                    }
                    appended.addAll(rows);
                    acks.add(() -> append.done().complete(rows));
                }
            }
            Rows.complete(c, completed);
            Rows.insert(c, appended);
            if (head != null) {
                Rows.updateHead(c, head);
            }
            c.commit();
        } catch (SQLException | RuntimeException e) {
            rollbackQuietly(c);
            throw e;
        }
        visible(lastNumber);
        return acks;
    }

    private List<Long> nextIds(Connection c, int count) throws SQLException {
        List<Long> ids = new ArrayList<>(count);
        try (PreparedStatement ps = c.prepareStatement(dialect.nextIds())) {
            ps.setInt(1, count);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    ids.add(rs.getLong(1));
                }
            }
        }
        if (ids.size() != count) {
            throw new SQLException("asked the id sequence for " + count + " values, got " + ids.size());
        }
        Collections.sort(ids);
        return ids;
    }

    @Override
    void reopen() throws SQLException {
        JdbcSupport.closeQuietly(connection);
        connection = DriverManager.getConnection(url);
        connection.setAutoCommit(false);
    }

    @Override
    void release() {
        JdbcSupport.closeQuietly(connection);
    }

    private static void rollbackQuietly(Connection c) {
        try {
            if (c != null && !c.isClosed()) {
                c.rollback();
            }
        } catch (SQLException e) {
            // The connection is gone; reopen() replaces it before the next try.
        }
    }
}
