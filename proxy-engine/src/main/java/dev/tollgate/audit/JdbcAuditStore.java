package dev.tollgate.audit;

import dev.tollgate.pipeline.CallOutcome;
import dev.tollgate.pipeline.ToolCall;
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
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.BiConsumer;
import java.util.function.Consumer;
import java.util.function.LongConsumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The audit store over JDBC (H2 file or PostgreSQL), put together from its parts: a writer (a journal feeding the
 * tables for an H2 file, direct transactions for PostgreSQL and in-memory H2), the queries, and the chain verifier.
 * Redaction of everything stored goes through {@link StoredValues}; this class also recovers the attempts a
 * stopped Tollgate left open.
 */
public final class JdbcAuditStore implements AuditStore {
    private static final Logger LOG = LoggerFactory.getLogger(JdbcAuditStore.class);

    static final int SCHEMA_VERSION = 2;
    static final String INTERRUPTED = GroupCommitWriter.INTERRUPTED;
    /** How long a bulk append may wait for the database to take what came before it. */
    static final Duration BULK_TIMEOUT = Duration.ofMinutes(10);
    /** Attempts from writers on other machines are presumed dead after this long without an outcome. */
    private static final Duration REMOTE_WRITER_GRACE = Duration.ofHours(1);

    /** Writers of H2 files open in this process, so a reader here can wait for records not yet in the tables. */
    private static final Map<Path, GroupCommitWriter> LOCAL_WRITERS = new ConcurrentHashMap<>();

    private final String url;
    private final Redactor redactor;
    private final StoredValues values;
    private final String writerId;
    private final StoreHealth health;
    private final Optional<GroupCommitWriter> writer;
    private final AuditQueries queries;
    private final ChainVerifier verifier;
    private final Optional<Path> file;
    private volatile boolean closed;

    JdbcAuditStore(String url, Redactor redactor, boolean readOnly, boolean sync) throws AuditUnavailableException {
        this.url = url;
        this.redactor = redactor;
        this.values = new StoredValues(redactor);
        this.writerId = Writers.newId();
        SqlDialect dialect = SqlDialect.of(url);
        Optional<Path> h2 = AuditStores.h2File(url);
        Optional<Anchor> anchor = h2.map(p -> new Anchor(sibling(p, ".anchor")));
        this.health = new StoreHealth(AuditStores.redactUrl(url));
        Connection first = null;
        GroupCommitWriter opened = null;
        String columns = Rows.COLUMNS;
        try {
            first = DriverManager.getConnection(url);
            if (readOnly) {
                columns = Schema.requireReadable(first) >= 2 ? Rows.COLUMNS : Rows.COLUMNS_V1;
                JdbcSupport.closeQuietly(first);
                if (h2.isPresent()) {
                    JournalWriter.applyAbandoned(url, sibling(h2.get(), ".journal"));
                }
            } else {
                Schema.ensure(first, dialect);
                for (String sql : dialect.writerSetup()) {
                    try (Statement st = first.createStatement()) {
                        st.execute(sql);
                    }
                }
                opened = h2.isPresent()
                        ? new JournalWriter(
                                url, first, sibling(h2.get(), ".journal"), anchor.orElseThrow(), health, sync)
                        : new DirectWriter(url, dialect, first, health);
                Writers.live(writerId);
            }
        } catch (SQLException | IOException | RuntimeException e) {
            JdbcSupport.closeQuietly(first);
            throw new AuditUnavailableException(
                    "cannot open the audit store at " + AuditStores.redactUrl(url) + ": " + StoreHealth.rootCause(e),
                    e);
        }
        this.writer = Optional.ofNullable(opened);
        this.file = h2.map(p -> p.toAbsolutePath().normalize());
        if (opened != null && file.isPresent()) {
            LOCAL_WRITERS.put(file.get(), opened);
        }
        this.queries = new AuditQueries(url, columns, this::awaitWrites);
        this.verifier = new ChainVerifier(anchor, columns);
        if (opened != null) {
            try {
                recoverInterrupted(opened);
            } catch (SQLException | AuditUnavailableException | RuntimeException e) {
                close();
                throw new AuditUnavailableException(
                        "cannot open the audit store at " + AuditStores.redactUrl(url) + ": "
                                + StoreHealth.rootCause(e),
                        e);
            }
        }
    }

    private static Path sibling(Path h2File, String suffix) {
        String name = h2File.getFileName().toString();
        String base = name.endsWith(".mv.db") ? name.substring(0, name.length() - ".mv.db".length()) : name;
        return h2File.resolveSibling(base + suffix);
    }

    // ---------------------------------------------------------------- writing

    @Override
    public long recordAttempt(ToolCall call) throws AuditUnavailableException {
        StoredRow row = new StoredRow(
                0,
                StoredRow.micros(call.receivedAt()),
                StoredValues.clip(call.agentId(), 256),
                StoredValues.clip(call.sessionId(), 256),
                call.user().map(u -> StoredValues.clip(u.subject(), 256)).orElse(null),
                StoredValues.clip(call.tool().server(), 256),
                StoredValues.clip(call.tool().tool(), 256),
                values.arguments(call.arguments()),
                call.conversationId().map(c -> StoredValues.clip(c, 256)).orElse(null),
                writerId,
                null,
                null,
                null,
                null,
                null,
                null,
                null,
                null,
                null,
                null,
                null,
                null,
                null);
        return await(writing().attempt(row), ACK_TIMEOUT).id();
    }

    @Override
    public CompletableFuture<AuditRecord> completeAsync(long id, ToolCall call, CallOutcome outcome, Duration latency) {
        StoredRow.Completion completion = new StoredRow.Completion(
                outcome.decision().verdict().wire(),
                StoredValues.clip(outcome.decision().rule(), 1024),
                outcome.decision().source().map(s -> StoredValues.clip(s, 1024)).orElse(null),
                StoredValues.clip(values.redactText(outcome.decision().message()), 4096),
                outcome.status().wire(),
                latency.toNanos() / 1000,
                outcome.responseBytes(),
                values.result(outcome.result()),
                outcome.shadow().map(d -> d.verdict().wire()).orElse(null),
                outcome.shadow().map(d -> StoredValues.clip(d.rule(), 1024)).orElse(null));
        String agent = call.agent().isPresent() ? StoredValues.clip(call.agentId(), 256) : null;
        String user = call.user().map(u -> StoredValues.clip(u.subject(), 256)).orElse(null);
        try {
            return writing().complete(id, agent, user, completion).thenApply(StoredRow::toRecord);
        } catch (AuditUnavailableException e) {
            return CompletableFuture.failedFuture(e);
        }
    }

    /**
     * Appends already-finished records in bulk (history import, generated sample data): ids, sequence
     * numbers and hashes are assigned here, so the appended records are chained like live ones. The
     * records' own id, prevHash and hash are ignored. Arguments and results are redacted.
     */
    public void appendCompleted(List<AuditRecord> records) throws AuditUnavailableException {
        if (records.isEmpty()) {
            return;
        }
        List<StoredRow> rows = new ArrayList<>(records.size());
        for (AuditRecord r : records) {
            rows.add(new StoredRow(
                    0,
                    StoredRow.micros(r.timestamp()),
                    StoredValues.clip(r.agentId(), 256),
                    StoredValues.clip(r.sessionId(), 256),
                    r.user().map(u -> StoredValues.clip(u, 256)).orElse(null),
                    StoredValues.clip(r.server(), 256),
                    StoredValues.clip(r.tool(), 256),
                    values.arguments(r.arguments()),
                    r.conversationId().map(v -> StoredValues.clip(v, 256)).orElse(null),
                    writerId,
                    r.decision(),
                    StoredValues.clip(r.rule(), 1024),
                    r.ruleSource().map(s -> StoredValues.clip(s, 1024)).orElse(null),
                    StoredValues.clip(values.redactText(r.reason()), 4096),
                    r.status(),
                    Math.round(r.latencyMs() * 1000),
                    r.responseSize(),
                    r.result().map(values::result).orElse(null),
                    null,
                    null,
                    null,
                    r.shadowDecision().orElse(null),
                    r.shadowRule().map(v -> StoredValues.clip(v, 1024)).orElse(null)));
        }
        await(writing().append(rows), BULK_TIMEOUT);
    }

    private GroupCommitWriter writing() throws AuditUnavailableException {
        if (closed) {
            throw new AuditUnavailableException("the audit store is closed", null);
        }
        return writer.orElseThrow(
                () -> new AuditUnavailableException("the audit store was opened for reading only", null));
    }

    private static <T> T await(CompletableFuture<T> done, Duration patience) throws AuditUnavailableException {
        try {
            return done.get(patience.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AuditUnavailableException("interrupted while waiting for the audit store", e);
        } catch (TimeoutException e) {
            throw new AuditUnavailableException(
                    "the audit store did not confirm the record within " + patience.toSeconds() + " s", e);
        } catch (ExecutionException e) {
            if (e.getCause() instanceof AuditUnavailableException unavailable) {
                throw unavailable;
            }
            throw new AuditUnavailableException(
                    "the audit store could not take the record: " + JdbcSupport.firstLine(e.getCause()), e.getCause());
        }
    }

    /** Completes, as interrupted, attempts whose writer is gone (a crash or kill before the outcome). */
    private void recoverInterrupted(GroupCommitWriter into) throws SQLException, AuditUnavailableException {
        List<StoredRow> orphans = new ArrayList<>();
        long remoteCutoff = StoredRow.micros(Instant.now().minus(REMOTE_WRITER_GRACE));
        queries.read(c -> {
            try (PreparedStatement ps = c.prepareStatement(
                            "SELECT " + Rows.COLUMNS + " FROM tollgate_audit WHERE seq IS NULL ORDER BY id");
                    ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    StoredRow row = Rows.read(rs);
                    if (Writers.isGone(row.writerId(), row.timestampMicros() < remoteCutoff)) {
                        orphans.add(row);
                    }
                }
            }
            return null;
        });
        List<CompletableFuture<StoredRow>> done = new ArrayList<>();
        for (StoredRow row : orphans) {
            into.inFlight.put(row.id(), row);
            done.add(into.complete(row.id(), null, null, GroupCommitWriter.INTERRUPTED_COMPLETION));
        }
        for (CompletableFuture<StoredRow> d : done) {
            await(d, ACK_TIMEOUT);
        }
        if (!orphans.isEmpty()) {
            LOG.warn("completed {} audit record(s) left open by a Tollgate that stopped mid-call", orphans.size());
        }
    }

    // ---------------------------------------------------------------- reading

    /** Reads see the records handed to this store, or to a writer of the same file in this process, before them. */
    private void awaitWrites() {
        if (writer.isPresent()) {
            writer.get().awaitVisible();
        } else if (file.isPresent()) {
            GroupCommitWriter local = LOCAL_WRITERS.get(file.get());
            if (local != null) {
                local.awaitVisible();
            }
        }
    }

    @Override
    public Optional<AuditRecord> find(long id) {
        return queries.find(id);
    }

    @Override
    public List<AuditRecord> query(AuditQuery query) {
        return queries.query(query);
    }

    @Override
    public long count(AuditQuery query) {
        return queries.count(query);
    }

    @Override
    public void scan(AuditQuery query, Consumer<AuditRecord> consumer) {
        queries.scan(query, consumer);
    }

    @Override
    public VerifyResult verify() {
        return verify(checked -> {});
    }

    /** Verifies the chain, telling {@code progress} how many records were checked every so often. */
    public VerifyResult verify(LongConsumer progress) {
        return queries.read(c -> verifier.verify(c, progress));
    }

    // ---------------------------------------------------------------- housekeeping

    @Override
    public PruneResult prune(Instant before, Optional<Path> archive) throws AuditUnavailableException {
        PruneResult result = Pruner.prune(queries, writing(), writerId, before, archive);
        if (result.pruned() > 0) {
            LOG.info(
                    "pruned {} audit records before {} (checkpoint record {})",
                    result.pruned(),
                    before,
                    result.checkpointId().orElseThrow());
        }
        return result;
    }

    @Override
    public Redactor redactor() {
        return redactor;
    }

    @Override
    public boolean available() {
        return health.up();
    }

    @Override
    public void onAvailability(BiConsumer<Boolean, String> listener) {
        health.onChange(listener::accept);
    }

    @Override
    public String location() {
        return AuditStores.h2File(url).map(Path::toString).orElse(AuditStores.redactUrl(url));
    }

    @Override
    public long sizeBytes() {
        return AuditStores.h2File(url)
                .map(p -> {
                    try {
                        return Files.size(p);
                    } catch (IOException e) {
                        return -1L;
                    }
                })
                .orElse(-1L);
    }

    /** The JDBC URL with any password hidden. */
    public String url() {
        return AuditStores.redactUrl(url);
    }

    /**
     * Stops taking records. Queued records are still written; attempts whose calls are still running
     * are completed as interrupted, since their outcomes can no longer be recorded.
     */
    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        // Readers first: the writer's connection must be the last one, so that H2 closes (and compacts, for up to
        // WRITER_COMPACT_MILLIS) the database on this thread, not on HikariCP's connection closer, which it abandons
        // with a warning after 10 s.
        queries.close();
        writer.ifPresent(w -> file.ifPresent(f -> LOCAL_WRITERS.remove(f, w)));
        writer.ifPresent(GroupCommitWriter::close);
        Writers.gone(writerId);
    }

    static String firstLine(Throwable e) {
        return JdbcSupport.firstLine(e);
    }
}
