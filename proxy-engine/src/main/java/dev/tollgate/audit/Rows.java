package dev.tollgate.audit;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Types;
import java.util.List;
import java.util.Optional;

/** The audit table's rows in and out of SQL, and the chain head row; portable SQL both dialects run. */
final class Rows {
    static final String COLUMNS = "id, ts_us, agent_id, session_id, user_id, server_name, tool_name, arguments_json, "
            + "conversation_id, writer_id, decision, rule_name, rule_source, reason, status, latency_us, "
            + "response_size, result_json, seq, prev_hash, record_hash, shadow_decision, shadow_rule";
    /** What a reader selects from a version-1 store, which it must not migrate: no shadow columns yet. */
    static final String COLUMNS_V1 =
            COLUMNS.replace("shadow_decision, shadow_rule", "NULL AS shadow_decision, NULL AS shadow_rule");

    private Rows() {}

    /** Where the chain ends: the last chained record's position and hash. */
    record Head(long seq, String hash) {
        static final Head GENESIS = new Head(0, ChainHash.GENESIS);
    }

    static void insert(Connection c, List<StoredRow> rows) throws SQLException {
        if (rows.isEmpty()) {
            return;
        }
        try (PreparedStatement ps = c.prepareStatement("INSERT INTO tollgate_audit (" + COLUMNS
                + ") VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)")) {
            for (StoredRow r : rows) {
                int i = 1;
                ps.setLong(i++, r.id());
                ps.setLong(i++, r.timestampMicros());
                ps.setString(i++, r.agentId());
                ps.setString(i++, r.sessionId());
                setString(ps, i++, r.userId());
                ps.setString(i++, r.server());
                ps.setString(i++, r.tool());
                ps.setString(i++, r.argumentsJson());
                setString(ps, i++, r.conversationId());
                ps.setString(i++, r.writerId());
                setString(ps, i++, r.decision());
                setString(ps, i++, r.rule());
                setString(ps, i++, r.ruleSource());
                setString(ps, i++, r.reason());
                setString(ps, i++, r.status());
                setLong(ps, i++, r.latencyMicros());
                setLong(ps, i++, r.responseSize());
                setString(ps, i++, r.resultJson());
                setLong(ps, i++, r.seq());
                setString(ps, i++, r.prevHash());
                setString(ps, i++, r.hash());
                setString(ps, i++, r.shadowDecision());
                setString(ps, i, r.shadowRule());
                ps.addBatch();
            }
            ps.executeBatch();
        }
    }

    /** Writes the outcome half of stored attempts; fails when one was already completed (by another writer). */
    static void complete(Connection c, List<StoredRow> rows) throws SQLException {
        if (rows.isEmpty()) {
            return;
        }
        try (PreparedStatement ps = c.prepareStatement("UPDATE tollgate_audit SET agent_id = ?, user_id = ?, "
                + "decision = ?, rule_name = ?, rule_source = ?, reason = ?, status = ?, latency_us = ?, "
                + "response_size = ?, result_json = ?, seq = ?, prev_hash = ?, record_hash = ?, "
                + "shadow_decision = ?, shadow_rule = ? WHERE id = ? AND seq IS NULL")) {
            for (StoredRow r : rows) {
                int i = 1;
                ps.setString(i++, r.agentId());
                setString(ps, i++, r.userId());
                ps.setString(i++, r.decision());
                ps.setString(i++, r.rule());
                setString(ps, i++, r.ruleSource());
                ps.setString(i++, r.reason());
                ps.setString(i++, r.status());
                ps.setLong(i++, r.latencyMicros());
                ps.setLong(i++, r.responseSize());
                setString(ps, i++, r.resultJson());
                ps.setLong(i++, r.seq());
                ps.setString(i++, r.prevHash());
                ps.setString(i++, r.hash());
                setString(ps, i++, r.shadowDecision());
                setString(ps, i++, r.shadowRule());
                ps.setLong(i, r.id());
                ps.addBatch();
            }
            int[] counts = ps.executeBatch();
            for (int n = 0; n < counts.length; n++) {
                if (counts[n] == 0) {
                    throw new SQLException("audit record " + rows.get(n).id() + " was completed concurrently");
                }
            }
        }
    }

    static Optional<StoredRow> load(Connection c, long id, String columns) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT " + columns + " FROM tollgate_audit WHERE id = ?")) {
            ps.setLong(1, id);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? Optional.of(read(rs)) : Optional.empty();
            }
        }
    }

    static StoredRow read(ResultSet rs) throws SQLException {
        return new StoredRow(
                rs.getLong(1),
                rs.getLong(2),
                rs.getString(3),
                rs.getString(4),
                rs.getString(5),
                rs.getString(6),
                rs.getString(7),
                rs.getString(8),
                rs.getString(9),
                rs.getString(10),
                rs.getString(11),
                rs.getString(12),
                rs.getString(13),
                rs.getString(14),
                rs.getString(15),
                nullableLong(rs, 16),
                nullableLong(rs, 17),
                rs.getString(18),
                nullableLong(rs, 19),
                rs.getString(20),
                rs.getString(21),
                rs.getString(22),
                rs.getString(23));
    }

    /** Reads the head under a row lock, so writers sharing one database chain one after another. */
    static Head lockHead(Connection c) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(
                        "SELECT head_seq, head_hash FROM tollgate_audit_chain WHERE id = 1 FOR UPDATE");
                ResultSet rs = ps.executeQuery()) {
            if (!rs.next()) {
                throw new SQLException("the audit store has no chain head row");
            }
            return new Head(rs.getLong(1), rs.getString(2));
        }
    }

    static void updateHead(Connection c, Head head) throws SQLException {
        try (PreparedStatement ps =
                c.prepareStatement("UPDATE tollgate_audit_chain SET head_seq = ?, head_hash = ? WHERE id = 1")) {
            ps.setLong(1, head.seq());
            ps.setString(2, head.hash());
            ps.executeUpdate();
        }
    }

    static long maxId(Connection c) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT MAX(id) FROM tollgate_audit");
                ResultSet rs = ps.executeQuery()) {
            return rs.next() ? rs.getLong(1) : 0;
        }
    }

    static void setString(PreparedStatement ps, int index, String value) throws SQLException {
        if (value == null) {
            ps.setNull(index, Types.VARCHAR);
        } else {
            ps.setString(index, value);
        }
    }

    static void setLong(PreparedStatement ps, int index, Long value) throws SQLException {
        if (value == null) {
            ps.setNull(index, Types.BIGINT);
        } else {
            ps.setLong(index, value);
        }
    }

    private static Long nullableLong(ResultSet rs, int index) throws SQLException {
        long v = rs.getLong(index);
        return rs.wasNull() ? null : v;
    }
}
