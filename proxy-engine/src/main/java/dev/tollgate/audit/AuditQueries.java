package dev.tollgate.audit;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.function.Consumer;

/**
 * The read side of the store: queries, counts and scans over a small pool of reader connections. Each read first
 * waits for the writes handed to the store before it ({@code beforeRead}), so a caller reads its own writes.
 */
final class AuditQueries implements AutoCloseable {
    private static final int SCAN_PAGE = 5_000;
    /** Reader connections at most: PostgreSQL counts them against max_connections for every instance. */
    private static final int READERS = 8;

    /** Work done with one reader connection. */
    interface SqlWork<T> {
        T run(Connection c) throws SQLException;
    }

    private final String columns;
    private final Runnable beforeRead;
    private final HikariDataSource readers;
    private volatile boolean closed;

    AuditQueries(String url, String columns, Runnable beforeRead) {
        this.columns = columns;
        this.beforeRead = beforeRead;
        HikariConfig pool = new HikariConfig();
        pool.setJdbcUrl(url);
        pool.setPoolName("tollgate-audit-readers");
        pool.setMaximumPoolSize(READERS);
        pool.setMinimumIdle(0);
        // The store is already open (the writer's connection proved it); a reader connects when first needed.
        pool.setInitializationFailTimeout(-1);
        pool.setConnectionTimeout(10_000);
        this.readers = new HikariDataSource(pool);
    }

    Optional<AuditRecord> find(long id) {
        return read(c -> Rows.load(c, id, columns).map(StoredRow::toRecord));
    }

    List<AuditRecord> query(AuditQuery query) {
        List<AuditRecord> out = new ArrayList<>();
        run(query, query.limit(), row -> out.add(row.toRecord()));
        return out;
    }

    long count(AuditQuery query) {
        Sql sql = Sql.where(query);
        return read(c -> {
            try (PreparedStatement ps = c.prepareStatement("SELECT COUNT(*) FROM tollgate_audit" + sql.where())) {
                sql.bind(ps);
                try (ResultSet rs = ps.executeQuery()) {
                    rs.next();
                    return rs.getLong(1);
                }
            }
        });
    }

    void scan(AuditQuery query, Consumer<AuditRecord> consumer) {
        long remaining = query.limit() <= 0 ? 0 : query.limit();
        AuditQuery page = query;
        while (remaining > 0) {
            int size = (int) Math.min(SCAN_PAGE, remaining);
            List<StoredRow> rows = new ArrayList<>(size);
            run(page, size, rows::add);
            for (StoredRow row : rows) {
                consumer.accept(row.toRecord());
            }
            if (rows.size() < size) {
                return;
            }
            remaining -= rows.size();
            long last = rows.get(rows.size() - 1).id();
            page = query.newestFirst() ? Sql.withBefore(query, last) : Sql.withAfter(query, last);
        }
    }

    private void run(AuditQuery query, int limit, Consumer<StoredRow> sink) {
        if (limit <= 0) {
            return;
        }
        Sql sql = Sql.where(query);
        String text = "SELECT " + columns + " FROM tollgate_audit" + sql.where() + " ORDER BY id "
                + (query.newestFirst() ? "DESC" : "ASC") + " LIMIT " + limit;
        read(c -> {
            try (PreparedStatement ps = c.prepareStatement(text)) {
                sql.bind(ps);
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        sink.accept(Rows.read(rs));
                    }
                }
            }
            return null;
        });
    }

    /** Runs read work on a pooled connection; a store that cannot be read is an IllegalStateException. */
    <T> T read(SqlWork<T> work) {
        if (closed) {
            throw new IllegalStateException("cannot read the audit store: it is closed");
        }
        beforeRead.run();
        Connection c = null;
        try {
            c = borrow();
            T result = work.run(c);
            release(c);
            return result;
        } catch (SQLException | RuntimeException e) {
            JdbcSupport.closeQuietly(c);
            if (e instanceof IllegalStateException ise) {
                throw ise;
            }
            throw new IllegalStateException("cannot read the audit store: " + JdbcSupport.firstLine(e), e);
        }
    }

    Connection borrow() throws SQLException {
        return readers.getConnection();
    }

    /** Hands the connection back to the pool (HikariCP rolls back what a reader left open). */
    void release(Connection c) throws SQLException {
        c.close();
    }

    @Override
    public void close() {
        closed = true;
        readers.close();
    }

    /** Translates a query into a WHERE clause and its parameters. */
    private record Sql(String where, List<Object> params) {
        static Sql where(AuditQuery q) {
            List<String> terms = new ArrayList<>();
            List<Object> params = new ArrayList<>();
            q.agent().ifPresent(v -> add(terms, params, "agent_id = ?", v));
            q.tool().ifPresent(v -> tool(terms, params, v));
            q.user().ifPresent(v -> add(terms, params, "user_id = ?", v));
            q.session().ifPresent(v -> add(terms, params, "session_id = ?", v));
            q.conversation().ifPresent(v -> add(terms, params, "conversation_id = ?", v));
            q.decision().ifPresent(v -> add(terms, params, "decision = ?", v));
            q.status().ifPresent(v -> add(terms, params, "status = ?", v));
            q.from().ifPresent(v -> add(terms, params, "ts_us >= ?", StoredRow.micros(v)));
            q.to().ifPresent(v -> add(terms, params, "ts_us < ?", StoredRow.micros(v)));
            q.beforeId().ifPresent(v -> add(terms, params, "id < ?", v));
            q.afterId().ifPresent(v -> add(terms, params, "id > ?", v));
            q.text().filter(t -> !t.isBlank()).ifPresent(t -> {
                String like = "%" + escapeLike(t.toLowerCase(Locale.ROOT)) + "%";
                terms.add("(LOWER(arguments_json) LIKE ? ESCAPE '!' OR LOWER(reason) LIKE ? ESCAPE '!' "
                        + "OR LOWER(agent_id) LIKE ? ESCAPE '!' OR LOWER(tool_name) LIKE ? ESCAPE '!')");
                params.add(like);
                params.add(like);
                params.add(like);
                params.add(like);
            });
            return new Sql(terms.isEmpty() ? "" : " WHERE " + String.join(" AND ", terms), params);
        }

        private static void tool(List<String> terms, List<Object> params, String pattern) {
            if ("*".equals(pattern)) {
                return;
            }
            int dot = pattern.indexOf('.');
            String serverPart = dot < 0 ? pattern : pattern.substring(0, dot);
            if (dot > 0 && !serverPart.contains("*")) {
                // Server names never contain a dot, so an exact server part pins the split point.
                add(terms, params, "server_name = ?", serverPart);
                String toolPart = pattern.substring(dot + 1);
                if (toolPart.contains("*")) {
                    if (!"*".equals(toolPart)) {
                        add(terms, params, "tool_name LIKE ? ESCAPE '!'", globToLike(toolPart));
                    }
                } else {
                    add(terms, params, "tool_name = ?", toolPart);
                }
                return;
            }
            add(terms, params, "(server_name || '.' || tool_name) LIKE ? ESCAPE '!'", globToLike(pattern));
        }

        private static void add(List<String> terms, List<Object> params, String term, Object value) {
            terms.add(term);
            params.add(value);
        }

        private static String globToLike(String glob) {
            return escapeLike(glob).replace("*", "%");
        }

        private static String escapeLike(String s) {
            return s.replace("!", "!!").replace("%", "!%").replace("_", "!_");
        }

        void bind(PreparedStatement ps) throws SQLException {
            for (int i = 0; i < params.size(); i++) {
                Object p = params.get(i);
                if (p instanceof Long l) {
                    ps.setLong(i + 1, l);
                } else {
                    ps.setString(i + 1, (String) p);
                }
            }
        }

        static AuditQuery withAfter(AuditQuery q, long id) {
            return new AuditQuery(
                    q.agent(),
                    q.tool(),
                    q.user(),
                    q.session(),
                    q.conversation(),
                    q.decision(),
                    q.status(),
                    q.from(),
                    q.to(),
                    q.beforeId(),
                    Optional.of(Math.max(id, q.afterId().orElse(id))),
                    q.text(),
                    q.limit(),
                    q.newestFirst());
        }

        static AuditQuery withBefore(AuditQuery q, long id) {
            return new AuditQuery(
                    q.agent(),
                    q.tool(),
                    q.user(),
                    q.session(),
                    q.conversation(),
                    q.decision(),
                    q.status(),
                    q.from(),
                    q.to(),
                    Optional.of(Math.min(id, q.beforeId().orElse(id))),
                    q.afterId(),
                    q.text(),
                    q.limit(),
                    q.newestFirst());
        }
    }
}
