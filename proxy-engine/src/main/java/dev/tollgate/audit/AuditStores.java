package dev.tollgate.audit;

import dev.tollgate.config.TollgateConfig;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Collection;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import tools.jackson.databind.JsonNode;

/** Opens the audit store a JDBC URL names (H2 file by default, PostgreSQL for teams). */
public final class AuditStores {
    private static final Logger LOG = LoggerFactory.getLogger(AuditStores.class);
    /** Largest H2 file {@code tollgate serve} compacts fully when it stops gracefully. */
    public static final long STOP_COMPACT_MAX_BYTES = 512L * 1024 * 1024;
    /** How long closing the writer's database may spend moving records together (H2's default is 200 ms). */
    static final int WRITER_COMPACT_MILLIS = 10_000;

    private AuditStores() {}

    /** Opens (creating when missing) the store with the built-in redaction rules. */
    public static JdbcAuditStore open(String jdbcUrl) throws AuditUnavailableException {
        return open(jdbcUrl, List.of());
    }

    /** Opens (creating when missing) the store; {@code redactKeys} adds to the built-in redaction keys. */
    public static JdbcAuditStore open(String jdbcUrl, Collection<String> redactKeys) throws AuditUnavailableException {
        return new JdbcAuditStore(withH2Defaults(jdbcUrl, false), Redactor.withKeys(redactKeys), false, false);
    }

    /** Opens the store the configuration names, with its {@code audit.redact} keys. */
    public static JdbcAuditStore open(TollgateConfig config) throws AuditUnavailableException {
        return new JdbcAuditStore(
                withH2Defaults(config.auditUrl(), false),
                Redactor.withKeys(config.redactKeys()),
                false,
                synced(config));
    }

    /** {@code audit.sync}: whether each journal append waits for the disk (an H2 store; PostgreSQL always does). */
    static boolean synced(TollgateConfig config) {
        JsonNode node = config.root().path("audit").path("sync");
        if (node.isMissingNode() || node.isNull()) {
            return false;
        }
        if (!node.isBoolean()) {
            throw config.sourceMap().error("/audit/sync", "audit.sync must be true or false");
        }
        return node.asBoolean();
    }

    /**
     * Opens an existing store for reading only ({@code tollgate audit query}, previews, a second window):
     * it neither creates tables nor completes other writers' open attempts, and it never blocks a writer.
     */
    public static JdbcAuditStore openExisting(String jdbcUrl) throws AuditUnavailableException {
        Optional<Path> file = h2File(jdbcUrl);
        if (file.isPresent() && !Files.isRegularFile(file.get())) {
            throw new AuditUnavailableException("no audit store at " + file.get(), null);
        }
        return new JdbcAuditStore(withH2Defaults(jdbcUrl, true), Redactor.defaults(), true, false);
    }

    /**
     * Reclaims the space a bulk load leaves (an H2 file can be several times its data after millions of
     * appends). Close every store on this database in this process first: on H2 this closes the database.
     */
    public static void compact(String jdbcUrl) throws AuditUnavailableException {
        String url = withH2Defaults(jdbcUrl, false);
        try (Connection c = DriverManager.getConnection(url);
                Statement st = c.createStatement()) {
            st.execute(SqlDialect.of(url).compact());
        } catch (SQLException e) {
            throw new AuditUnavailableException(
                    "cannot compact the audit store at " + redactUrl(jdbcUrl) + ": " + JdbcAuditStore.firstLine(e), e);
        }
    }

    /**
     * After a graceful stop, with every store on it closed: rewrites an H2 file store of at most {@code maxBytes} so
     * that it holds its live records only (what {@code SHUTDOWN COMPACT} does offline; about 7 s for 275 MB on a busy
     * 2-core machine). A larger file, or any other store, is left with the bounded compaction its close already did,
     * so that a stop stays prompt. Logs what it did; a failure leaves the store as it was.
     */
    public static void compactAfterStop(String jdbcUrl, long maxBytes) {
        Optional<Path> file = h2File(jdbcUrl);
        if (file.isEmpty() || !Files.isRegularFile(file.get())) {
            return;
        }
        try {
            long before = Files.size(file.get());
            if (before > maxBytes) {
                return;
            }
            long started = System.nanoTime();
            compact(jdbcUrl);
            LOG.info(
                    "compacted the audit store {} from {} to {} bytes in {} ms",
                    file.get(),
                    before,
                    Files.size(file.get()),
                    (System.nanoTime() - started) / 1_000_000);
        } catch (IOException | AuditUnavailableException e) {
            LOG.warn("left the audit store {} uncompacted: {}", file.get(), e.getMessage());
        }
    }

    /**
     * H2 file stores get AUTO_SERVER so that the CLI or a second window can read while a proxy writes
     * (an embedded H2 file otherwise admits one process only).
     */
    static String withH2Defaults(String url, boolean forReading) {
        String lower = url.toLowerCase(Locale.ROOT);
        if (!lower.startsWith("jdbc:h2:")
                || lower.startsWith("jdbc:h2:mem:")
                || lower.startsWith("jdbc:h2:tcp:")
                || lower.startsWith("jdbc:h2:ssl:")) {
            return url;
        }
        StringBuilder out = new StringBuilder(url);
        if (!lower.contains(";auto_server=")) {
            out.append(";AUTO_SERVER=TRUE");
        }
        if (forReading && !lower.contains(";ifexists=")) {
            out.append(";IFEXISTS=TRUE");
        }
        if (!lower.contains(";max_compact_time=")) {
            // A reader that happens to close the database last must not spend seconds compacting it; the writer
            // closing it on a graceful stop compacts it, for a bounded time so that a stop stays prompt.
            out.append(";MAX_COMPACT_TIME=").append(forReading ? 0 : WRITER_COMPACT_MILLIS);
        }
        return out.toString();
    }

    /** The H2 database file a URL names, if it names one. */
    public static Optional<Path> h2File(String url) {
        String lower = url.toLowerCase(Locale.ROOT);
        String rest;
        if (lower.startsWith("jdbc:h2:file:")) {
            rest = url.substring("jdbc:h2:file:".length());
        } else if (lower.startsWith("jdbc:h2:")
                && !lower.startsWith("jdbc:h2:mem:")
                && !lower.startsWith("jdbc:h2:tcp:")
                && !lower.startsWith("jdbc:h2:ssl:")) {
            rest = url.substring("jdbc:h2:".length());
        } else {
            return Optional.empty();
        }
        int semicolon = rest.indexOf(';');
        String path = semicolon < 0 ? rest : rest.substring(0, semicolon);
        if (path.startsWith("~")) {
            path = System.getProperty("user.home") + path.substring(1);
        }
        return Optional.of(Path.of(path + ".mv.db"));
    }

    /** The URL with password parameters masked, for messages and the status bar. */
    public static String redactUrl(String url) {
        return url.replaceAll("(?i)(password=)[^;&]*", "$1***").replaceAll("://([^:/@]+):[^@/]*@", "://$1:***@");
    }
}
