package dev.tollgate.testing;

import dev.tollgate.audit.AuditQuery;
import dev.tollgate.audit.AuditStores;
import dev.tollgate.audit.AuditUnavailableException;
import dev.tollgate.audit.JdbcAuditStore;
import dev.tollgate.identity.AgentIdentity;
import dev.tollgate.identity.Credentials;
import dev.tollgate.json.Json;
import dev.tollgate.pipeline.ToolAnnotations;
import dev.tollgate.pipeline.ToolCall;
import dev.tollgate.pipeline.ToolRef;
import dev.tollgate.upstream.UpstreamAuth;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.time.Instant;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.stream.Stream;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import tools.jackson.databind.JsonNode;

/**
 * A real H2 file audit store in its own temporary directory. Use it as
 * {@code @RegisterExtension final TemporaryAuditStore audit = TemporaryAuditStore.create();}
 * (closed and deleted after each test) or in try-with-resources.
 */
public final class TemporaryAuditStore implements AutoCloseable, AfterEachCallback {
    private final Path directory;
    private final String url;
    private final List<String> redactKeys;
    private JdbcAuditStore store;

    private TemporaryAuditStore(Path directory, List<String> redactKeys) {
        this.directory = directory;
        this.url = "jdbc:h2:file:" + directory.resolve("audit").toAbsolutePath();
        this.redactKeys = List.copyOf(redactKeys);
    }

    public static TemporaryAuditStore create() {
        return create(List.of());
    }

    /** A store that also redacts the given {@code audit.redact} keys. */
    public static TemporaryAuditStore create(List<String> redactKeys) {
        try {
            return new TemporaryAuditStore(Files.createTempDirectory("tollgate-audit-"), redactKeys);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The open store (opened on first use). */
    public synchronized JdbcAuditStore store() {
        if (store == null) {
            try {
                store = AuditStores.open(url, redactKeys);
            } catch (AuditUnavailableException e) {
                throw new IllegalStateException(e.getMessage(), e);
            }
        }
        return store;
    }

    /** Closes the store (as Tollgate does on shutdown) and opens it again. */
    public synchronized JdbcAuditStore reopen() {
        closeStore();
        return store();
    }

    public synchronized void closeStore() {
        if (store != null) {
            store.close();
            store = null;
        }
    }

    /** The JDBC URL, for the CLI's {@code --db} or a second reader. */
    public String url() {
        return url;
    }

    public Path directory() {
        return directory;
    }

    /**
     * A plain JDBC connection to the same database, for tests that tamper with rows behind the store's back. The
     * open store's writes reach the tables first (a read through the store waits for them).
     */
    public synchronized Connection sql() throws SQLException {
        if (store != null) {
            store.count(AuditQuery.builder().limit(1).build());
        }
        return DriverManager.getConnection(url + ";AUTO_SERVER=TRUE");
    }

    /** A call as the transport hands it to the chain, from an authenticated agent. */
    public static ToolCall call(String agent, String tool, JsonNode arguments) {
        return call(agent, tool, arguments, Instant.now(), "session-1", Optional.empty());
    }

    public static ToolCall call(
            String agent, String tool, JsonNode arguments, Instant at, String session, Optional<String> conversation) {
        return new ToolCall(
                UUID.randomUUID().toString(),
                at,
                session,
                Credentials.bearer("agent-key-" + agent),
                Optional.of(new AgentIdentity(agent, List.of("role"), "api-key")),
                Optional.empty(),
                ToolRef.parse(tool),
                arguments,
                ToolAnnotations.NONE,
                conversation,
                Json.object(),
                UpstreamAuth.NONE);
    }

    @Override
    public void afterEach(ExtensionContext context) {
        close();
    }

    @Override
    public synchronized void close() {
        closeStore();
        try (Stream<Path> files = Files.walk(directory)) {
            files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
