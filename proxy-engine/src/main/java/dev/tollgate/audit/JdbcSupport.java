package dev.tollgate.audit;

import java.sql.Connection;
import java.sql.SQLException;

/** Small JDBC helpers the store's parts share. */
final class JdbcSupport {
    private JdbcSupport() {}

    static void closeQuietly(Connection c) {
        try {
            if (c != null) {
                c.close();
            }
        } catch (SQLException e) {
            // Closing a broken connection fails too; nothing is left to release.
        }
    }

    static String firstLine(Throwable e) {
        String message = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
        return message.lines().findFirst().orElse(message);
    }
}
