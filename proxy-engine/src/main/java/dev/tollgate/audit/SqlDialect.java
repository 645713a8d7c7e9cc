package dev.tollgate.audit;

import java.util.Locale;

/**
 * The few places where H2 and PostgreSQL SQL differ; everything else the store sends is common SQL.
 */
enum SqlDialect {
    H2(
            "CHARACTER VARYING(1048576)",
            "SELECT NEXT VALUE FOR tollgate_audit_id FROM SYSTEM_RANGE(1, ?)",
            "SHUTDOWN COMPACT"),
    POSTGRESQL(
            "TEXT", "SELECT nextval('tollgate_audit_id') FROM generate_series(1, ?)", "VACUUM ANALYZE tollgate_audit");

    /** Longest text the store keeps in one column (H2 caps CHARACTER VARYING at 1 MiB characters). */
    static final int MAX_TEXT_CHARS = 1_000_000;

    private final String longText;
    private final String nextIds;
    private final String compact;

    SqlDialect(String longText, String nextIds, String compact) {
        this.longText = longText;
        this.nextIds = nextIds;
        this.compact = compact;
    }

    static SqlDialect of(String jdbcUrl) {
        String url = jdbcUrl.toLowerCase(Locale.ROOT);
        if (url.startsWith("jdbc:h2:")) {
            return H2;
        }
        if (url.startsWith("jdbc:postgresql:")) {
            return POSTGRESQL;
        }
        throw new IllegalArgumentException("unsupported audit database URL (use jdbc:h2:… or jdbc:postgresql:…): "
                + AuditStores.redactUrl(jdbcUrl));
    }

    /** Column type for arguments and results. */
    String longText() {
        return longText;
    }

    /** A query returning {@code ?} fresh record ids, one per row. */
    String nextIds() {
        return nextIds;
    }

    /** Reclaims the space a bulk load leaves behind (H2 rewrites the file and closes the database). */
    String compact() {
        return compact;
    }

    /** Statements run once after the schema exists, by the writer. */
    String[] writerSetup() {
        if (this == H2) {
            // WRITE_DELAY 0: a committed record reaches the file at once, so a killed process loses nothing
            // acknowledged.
            return new String[] {"SET WRITE_DELAY 0"};
        }
        return new String[0];
    }
}
