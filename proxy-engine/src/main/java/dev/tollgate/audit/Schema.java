package dev.tollgate.audit;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import java.util.Locale;

/** Creates the audit tables on first open and refuses stores written by a newer Tollgate. */
final class Schema {
    private Schema() {}

    static void ensure(Connection c, SqlDialect dialect) throws SQLException {
        c.setAutoCommit(true);
        int version = currentVersion(c);
        if (version > JdbcAuditStore.SCHEMA_VERSION) {
            throw new SQLException("the audit store has schema version " + version
                    + ", newer than this Tollgate understands (" + JdbcAuditStore.SCHEMA_VERSION + ")");
        }
        if (version == JdbcAuditStore.SCHEMA_VERSION) {
            return;
        }
        c.setAutoCommit(false);
        try (Statement st = c.createStatement()) {
            if (version < 1) {
                for (String sql : version1(dialect)) {
                    st.execute(sql);
                }
            }
            for (String sql : version2()) {
                st.execute(sql);
            }
            c.commit();
        } catch (SQLException e) {
            c.rollback();
            throw e;
        } finally {
            c.setAutoCommit(true);
        }
    }

    /** For readers: the tables must exist and be a version this Tollgate reads; returns that version. */
    static int requireReadable(Connection c) throws SQLException {
        int version = currentVersion(c);
        if (version == 0) {
            throw new SQLException("the database holds no Tollgate audit records");
        }
        if (version > JdbcAuditStore.SCHEMA_VERSION) {
            throw new SQLException("the audit store has schema version " + version
                    + ", newer than this Tollgate understands (" + JdbcAuditStore.SCHEMA_VERSION + ")");
        }
        return version;
    }

    private static int currentVersion(Connection c) throws SQLException {
        if (!tableExists(c, "tollgate_audit_schema")) {
            return 0;
        }
        try (Statement st = c.createStatement();
                ResultSet rs = st.executeQuery("SELECT MAX(version) FROM tollgate_audit_schema")) {
            return rs.next() ? rs.getInt(1) : 0;
        }
    }

    /** Asks the catalogue rather than provoking an error (H2 keeps unquoted names upper case, PostgreSQL lower). */
    private static boolean tableExists(Connection c, String name) throws SQLException {
        for (String candidate : new String[] {name.toUpperCase(Locale.ROOT), name}) {
            try (ResultSet rs = c.getMetaData().getTables(null, null, candidate, new String[] {"TABLE"})) {
                if (rs.next()) {
                    return true;
                }
            }
        }
        return false;
    }

    /** Additive: how a shadow candidate would have decided the calls where it disagreed (null elsewhere). */
    private static List<String> version2() {
        return List.of(
                "ALTER TABLE tollgate_audit ADD COLUMN IF NOT EXISTS shadow_decision VARCHAR(16)",
                "ALTER TABLE tollgate_audit ADD COLUMN IF NOT EXISTS shadow_rule VARCHAR(1024)",
                "INSERT INTO tollgate_audit_schema (version) VALUES (2)");
    }

    private static List<String> version1(SqlDialect dialect) {
        String text = dialect.longText();
        return List.of(
                "CREATE TABLE IF NOT EXISTS tollgate_audit_schema (version INT NOT NULL)",
                "CREATE SEQUENCE IF NOT EXISTS tollgate_audit_id START WITH 1",
                "CREATE TABLE IF NOT EXISTS tollgate_audit ("
                        + "id BIGINT PRIMARY KEY, "
                        + "ts_us BIGINT NOT NULL, "
                        + "agent_id VARCHAR(256) NOT NULL, "
                        + "session_id VARCHAR(256) NOT NULL, "
                        + "user_id VARCHAR(256), "
                        + "server_name VARCHAR(256) NOT NULL, "
                        + "tool_name VARCHAR(256) NOT NULL, "
                        + "arguments_json " + text + " NOT NULL, "
                        + "conversation_id VARCHAR(256), "
                        + "writer_id VARCHAR(256) NOT NULL, "
                        + "decision VARCHAR(16), "
                        + "rule_name VARCHAR(1024), "
                        + "rule_source VARCHAR(1024), "
                        + "reason VARCHAR(4096), "
                        + "status VARCHAR(16), "
                        + "latency_us BIGINT, "
                        + "response_size BIGINT, "
                        + "result_json " + text + ", "
                        + "seq BIGINT, "
                        + "prev_hash VARCHAR(64), "
                        + "record_hash VARCHAR(64))",
                "CREATE UNIQUE INDEX IF NOT EXISTS tollgate_audit_seq ON tollgate_audit (seq)",
                "CREATE INDEX IF NOT EXISTS tollgate_audit_ts ON tollgate_audit (ts_us)",
                "CREATE INDEX IF NOT EXISTS tollgate_audit_tool_ts ON tollgate_audit (server_name, tool_name, ts_us)",
                "CREATE INDEX IF NOT EXISTS tollgate_audit_agent_tool_ts "
                        + "ON tollgate_audit (agent_id, server_name, tool_name, ts_us)",
                "CREATE INDEX IF NOT EXISTS tollgate_audit_session ON tollgate_audit (session_id, id)",
                "CREATE INDEX IF NOT EXISTS tollgate_audit_conversation ON tollgate_audit (conversation_id, id)",
                "CREATE INDEX IF NOT EXISTS tollgate_audit_user_ts ON tollgate_audit (user_id, ts_us)",
                "CREATE TABLE IF NOT EXISTS tollgate_audit_chain ("
                        + "id INT PRIMARY KEY, head_seq BIGINT NOT NULL, head_hash VARCHAR(64) NOT NULL)",
                "INSERT INTO tollgate_audit_chain (id, head_seq, head_hash) VALUES (1, 0, '" + ChainHash.GENESIS + "')",
                "INSERT INTO tollgate_audit_schema (version) VALUES (1)");
    }
}
