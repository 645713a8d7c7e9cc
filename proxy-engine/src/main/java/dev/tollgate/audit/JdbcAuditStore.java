package dev.tollgate.audit;

import dev.tollgate.json.Json;
import dev.tollgate.pipeline.CallOutcome;
import dev.tollgate.pipeline.ToolCall;
import java.io.IOException;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.sql.Types;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedDeque;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * The audit store over JDBC (H2 file or PostgreSQL). One writer thread takes attempts and outcomes
 * from a queue, writes whatever has accumulated in one transaction and acknowledges each caller only
 * after the commit (group commit). Outcomes are chained in completion order under a row lock on the
 * chain head, so several Tollgate instances sharing one PostgreSQL store keep one consistent chain.
 */
public final class JdbcAuditStore implements AuditStore {
    private static final Logger LOG = LoggerFactory.getLogger(JdbcAuditStore.class);

    static final int SCHEMA_VERSION = 2;
    static final int MAX_RESULT_CHARS = 64 * 1024;
    static final String INTERRUPTED = "interrupted: Tollgate stopped before the call completed";
    private static final int MAX_BATCH = 512;
    private static final int SCAN_PAGE = 5_000;
    private static final Duration ACK_TIMEOUT = Duration.ofSeconds(10);
    /** Attempts from writers on other machines are presumed dead after this long without an outcome. */
    private static final Duration REMOTE_WRITER_GRACE = Duration.ofHours(1);
    private static final String HOST = localHost();
    private static final Set<String> LIVE_WRITERS = ConcurrentHashMap.newKeySet();

    static final String COLUMNS = "id, ts_us, agent_id, session_id, user_id, server_name, tool_name, arguments_json, "
            + "conversation_id, writer_id, decision, rule_name, rule_source, reason, status, latency_us, "
            + "response_size, result_json, seq, prev_hash, record_hash, shadow_decision, shadow_rule";
    /** What a reader selects from a version-1 store, which it must not migrate: no shadow columns yet. */
    private static final String COLUMNS_V1 = COLUMNS.replace("shadow_decision, shadow_rule",
            "NULL AS shadow_decision, NULL AS shadow_rule");

    private final String url;
    private final SqlDialect dialect;
    private final Redactor redactor;
    private final String writerId;
    private final BlockingQueue<Op> queue = new LinkedBlockingQueue<>();
    private final Object enqueueLock = new Object();
    private volatile CompletableFuture<StoredRow> lastEnqueued = CompletableFuture.completedFuture(null);
    private final Map<Long, StoredRow> inFlight = new ConcurrentHashMap<>();
    private final ConcurrentLinkedDeque<Connection> idleReaders = new ConcurrentLinkedDeque<>();
    private final boolean readOnly;
    private final String selectColumns;
    /** Null for a store opened read-only. */
    private final Thread writer;
    private Connection writerConnection;
    private volatile boolean closed;

    JdbcAuditStore(String url, Redactor redactor, boolean readOnly) throws AuditUnavailableException {
        this.url = url;
        this.dialect = SqlDialect.of(url);
        this.redactor = redactor;
        this.readOnly = readOnly;
        this.writerId = HOST + "/" + ProcessHandle.current().pid() + "/" + UUID.randomUUID();
        Connection first = null;
        try {
            first = connect();
            if (readOnly) {
                selectColumns = Schema.requireReadable(first) >= 2 ? COLUMNS : COLUMNS_V1;
                release(first);
                writer = null;
                return;
            }
            selectColumns = COLUMNS;
            writerConnection = first;
            Schema.ensure(writerConnection, dialect);
            for (String sql : dialect.writerSetup()) {
                try (Statement st = writerConnection.createStatement()) {
                    st.execute(sql);
                }
            }
            writerConnection.setAutoCommit(false);
            LIVE_WRITERS.add(writerId);
            recoverInterrupted();
        } catch (SQLException | RuntimeException e) {
            closeQuietly(first);
            LIVE_WRITERS.remove(writerId);
            throw new AuditUnavailableException("cannot open the audit store at " + AuditStores.redactUrl(url)
                    + ": " + firstLine(e), e);
        }
        writer = new Thread(this::writeLoop, "tollgate-audit-writer");
        writer.setDaemon(true);
        writer.start();
    }

    // ---------------------------------------------------------------- writing

    @Override
    public long recordAttempt(ToolCall call) throws AuditUnavailableException {
        StoredRow row = new StoredRow(0, StoredRow.micros(call.receivedAt()), clip(call.agentId(), 256),
                clip(call.sessionId(), 256), call.user().map(u -> clip(u.subject(), 256)).orElse(null),
                clip(call.tool().server(), 256), clip(call.tool().tool(), 256), argumentsJson(call.arguments()),
                call.conversationId().map(c -> clip(c, 256)).orElse(null), writerId,
                null, null, null, null, null, null, null, null, null, null, null, null, null);
        return submit(new Insert(row, new CompletableFuture<>())).id();
    }

    @Override
    public Redactor redactor() {
        return redactor;
    }

    @Override
    public AuditRecord complete(long id, ToolCall call, CallOutcome outcome, Duration latency)
            throws AuditUnavailableException {
        return submit(completion(id, call, outcome, latency)).toRecord();
    }

    @Override
    public CompletableFuture<AuditRecord> completeAsync(long id, ToolCall call, CallOutcome outcome, Duration latency) {
        Complete op = completion(id, call, outcome, latency);
        try {
            ensureOpen();
        } catch (AuditUnavailableException e) {
            return CompletableFuture.failedFuture(e);
        }
        enqueue(op);
        return op.done().thenApply(StoredRow::toRecord);
    }

    private Complete completion(long id, ToolCall call, CallOutcome outcome, Duration latency) {
        StoredRow.Completion completion = new StoredRow.Completion(outcome.decision().verdict().wire(),
                clip(outcome.decision().rule(), 1024), outcome.decision().source().map(s -> clip(s, 1024)).orElse(null),
                clip(redactor.redactText(outcome.decision().message()), 4096), outcome.status().wire(),
                latency.toNanos() / 1000, outcome.responseBytes(), resultJson(outcome.result()),
                outcome.shadow().map(d -> d.verdict().wire()).orElse(null),
                outcome.shadow().map(d -> clip(d.rule(), 1024)).orElse(null));
        String agent = call.agent().isPresent() ? clip(call.agentId(), 256) : null;
        String user = call.user().map(u -> clip(u.subject(), 256)).orElse(null);
        return new Complete(id, agent, user, completion, new CompletableFuture<>());
    }

    /** Queues an operation; the writer applies them in this order, which the read barrier relies on. */
    private void enqueue(Op op) {
        synchronized (enqueueLock) {
            queue.add(op);
            lastEnqueued = op.done();
        }
    }

    /**
     * Reads in this process see every record handed to the store before them, including outcomes still
     * waiting for their group commit. A failed or slow write does not fail the read: it sees what is committed.
     */
    private void awaitPendingWrites() {
        if (Thread.currentThread() == writer) {
            return;
        }
        try {
            lastEnqueued.get(ACK_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (ExecutionException | TimeoutException e) {
            LOG.debug("reading without a pending audit write: {}", firstLine(e));
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
        ensureOpen();
        Connection c = null;
        try {
            c = borrow();
            c.setAutoCommit(false);
            List<Long> ids = nextIds(c, records.size());
            List<StoredRow> rows = new ArrayList<>(records.size());
            for (int i = 0; i < records.size(); i++) {
                AuditRecord r = records.get(i);
                rows.add(new StoredRow(ids.get(i), StoredRow.micros(r.timestamp()), clip(r.agentId(), 256),
                        clip(r.sessionId(), 256), r.user().map(u -> clip(u, 256)).orElse(null), clip(r.server(), 256),
                        clip(r.tool(), 256), argumentsJson(r.arguments()), r.conversationId().map(v -> clip(v, 256))
                        .orElse(null), writerId, r.decision(), clip(r.rule(), 1024),
                        r.ruleSource().map(s -> clip(s, 1024)).orElse(null), clip(redactor.redactText(r.reason()), 4096),
                        r.status(), Math.round(r.latencyMs() * 1000), r.responseSize(),
                        r.result().map(this::resultJson).orElse(null), null, null, null,
                        r.shadowDecision().orElse(null), r.shadowRule().map(v -> clip(v, 1024)).orElse(null)));
            }
            Head head = lockHead(c);
            List<StoredRow> chained = new ArrayList<>(rows.size());
            for (StoredRow row : rows) {
                StoredRow linked = row.chained(head.seq + 1, head.hash);
                head = new Head(linked.seq(), linked.hash());
                chained.add(linked);
            }
            insertRows(c, chained);
            updateHead(c, head);
            c.commit();
            release(c);
        } catch (SQLException | RuntimeException e) {
            rollbackQuietly(c);
            closeQuietly(c);
            throw new AuditUnavailableException("the audit store could not take the records: " + firstLine(e), e);
        }
    }

    private StoredRow submit(Op op) throws AuditUnavailableException {
        ensureOpen();
        enqueue(op);
        try {
            return op.done().get(ACK_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AuditUnavailableException("interrupted while waiting for the audit store", e);
        } catch (TimeoutException e) {
            throw new AuditUnavailableException("the audit store did not confirm the record within "
                    + ACK_TIMEOUT.toSeconds() + " s", e);
        } catch (ExecutionException e) {
            Throwable cause = e.getCause();
            if (cause instanceof AuditUnavailableException unavailable) {
                throw unavailable;
            }
            throw new AuditUnavailableException("the audit store could not take the record: " + firstLine(cause), cause);
        }
    }

    private void ensureOpen() throws AuditUnavailableException {
        if (closed) {
            throw new AuditUnavailableException("the audit store is closed", null);
        }
        if (readOnly) {
            throw new AuditUnavailableException("the audit store was opened for reading only", null);
        }
    }

    private void writeLoop() {
        List<Op> batch = new ArrayList<>(MAX_BATCH);
        while (!closed || !queue.isEmpty()) {
            try {
                Op first = queue.poll(100, TimeUnit.MILLISECONDS);
                if (first == null) {
                    continue;
                }
                batch.add(first);
                queue.drainTo(batch, MAX_BATCH - 1);
                write(batch);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            } finally {
                batch.clear();
            }
        }
        for (Op left : queue) {
            left.done().completeExceptionally(new AuditUnavailableException("the audit store is closed", null));
        }
    }

    private void write(List<Op> batch) {
        try {
            List<Runnable> acknowledgements = apply(writerConnection(), batch);
            writerConnection.commit();
            acknowledgements.forEach(Runnable::run);
        } catch (SQLException | RuntimeException e) {
            rollbackQuietly(writerConnection);
            if (batch.size() > 1) {
                // One bad record must not cost the others theirs: retry each alone.
                for (Op op : batch) {
                    write(List.of(op));
                }
                return;
            }
            LOG.error("the audit store could not take a record: {}", firstLine(e));
            dropWriterConnectionIfBroken();
            batch.get(0).done().completeExceptionally(
                    new AuditUnavailableException("the audit store could not take the record: " + firstLine(e), e));
        }
    }

    /** Writes the batch inside the open transaction; returns what to acknowledge once it commits. */
    private List<Runnable> apply(Connection c, List<Op> batch) throws SQLException {
        List<Runnable> acks = new ArrayList<>();
        List<Insert> inserts = new ArrayList<>();
        List<Complete> completions = new ArrayList<>();
        for (Op op : batch) {
            if (op instanceof Insert insert) {
                inserts.add(insert);
            } else {
                completions.add((Complete) op);
            }
        }
        if (!inserts.isEmpty()) {
            List<Long> ids = nextIds(c, inserts.size());
            List<StoredRow> rows = new ArrayList<>(inserts.size());
            for (int i = 0; i < inserts.size(); i++) {
                StoredRow row = inserts.get(i).row().withId(ids.get(i));
                rows.add(row);
                Insert insert = inserts.get(i);
                acks.add(() -> {
                    inFlight.put(row.id(), row);
                    insert.done().complete(row);
                });
            }
            insertRows(c, rows);
        }
        if (!completions.isEmpty()) {
            acks.addAll(completeAll(c, completions));
        }
        return acks;
    }

    private List<Runnable> completeAll(Connection c, List<Complete> completions) throws SQLException {
        List<Runnable> acks = new ArrayList<>();
        Head head = lockHead(c);
        List<StoredRow> updated = new ArrayList<>();
        for (Complete op : completions) {
            StoredRow base = inFlight.get(op.id());
            if (base == null) {
                base = load(c, op.id()).orElse(null);
            }
            if (base == null || base.complete()) {
                String problem = base == null ? "no audit record " + op.id() : "audit record " + op.id() + " is already complete";
                acks.add(() -> op.done().completeExceptionally(new IllegalStateException(problem)));
                continue;
            }
            StoredRow done = base.completed(op.agent() == null ? base.agentId() : op.agent(),
                    op.user() == null ? base.userId() : op.user(), op.completion()).chained(head.seq + 1, head.hash);
            head = new Head(done.seq(), done.hash());
            updated.add(done);
            acks.add(() -> {
                inFlight.remove(done.id());
                op.done().complete(done);
            });
        }
        if (!updated.isEmpty()) {
            try (PreparedStatement ps = c.prepareStatement("UPDATE tollgate_audit SET agent_id = ?, user_id = ?, "
                    + "decision = ?, rule_name = ?, rule_source = ?, reason = ?, status = ?, latency_us = ?, "
                    + "response_size = ?, result_json = ?, seq = ?, prev_hash = ?, record_hash = ?, "
                    + "shadow_decision = ?, shadow_rule = ? WHERE id = ? AND seq IS NULL")) {
                for (StoredRow r : updated) {
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
                        throw new SQLException("audit record " + updated.get(n).id() + " was completed concurrently");
                    }
                }
            }
            updateHead(c, head);
        }
        return acks;
    }

    private void insertRows(Connection c, List<StoredRow> rows) throws SQLException {
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

    private record Head(long seq, String hash) {}

    private static Head lockHead(Connection c) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(
                "SELECT head_seq, head_hash FROM tollgate_audit_chain WHERE id = 1 FOR UPDATE");
             ResultSet rs = ps.executeQuery()) {
            if (!rs.next()) {
                throw new SQLException("the audit store has no chain head row");
            }
            return new Head(rs.getLong(1), rs.getString(2));
        }
    }

    private static void updateHead(Connection c, Head head) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(
                "UPDATE tollgate_audit_chain SET head_seq = ?, head_hash = ? WHERE id = 1")) {
            ps.setLong(1, head.seq);
            ps.setString(2, head.hash);
            ps.executeUpdate();
        }
    }

    /** Completes, as interrupted, attempts whose writer is gone (a crash or kill before the outcome). */
    private void recoverInterrupted() throws SQLException {
        List<StoredRow> orphans = new ArrayList<>();
        long remoteCutoff = StoredRow.micros(Instant.now().minus(REMOTE_WRITER_GRACE));
        try (PreparedStatement ps = writerConnection.prepareStatement(
                "SELECT " + selectColumns + " FROM tollgate_audit WHERE seq IS NULL ORDER BY id")) {
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    StoredRow row = read(rs);
                    if (writerGone(row.writerId(), row.timestampMicros() < remoteCutoff)) {
                        orphans.add(row);
                    }
                }
            }
        }
        if (orphans.isEmpty()) {
            writerConnection.commit();
            return;
        }
        List<Complete> ops = new ArrayList<>();
        for (StoredRow row : orphans) {
            inFlight.put(row.id(), row);
            ops.add(new Complete(row.id(), null, null, new StoredRow.Completion("allowed", "", null, INTERRUPTED,
                    "error", 0, 0, null, null, null), new CompletableFuture<>()));
        }
        List<Runnable> acks = completeAll(writerConnection, ops);
        writerConnection.commit();
        acks.forEach(Runnable::run);
        LOG.warn("completed {} audit record(s) left open by a Tollgate that stopped mid-call", orphans.size());
    }

    private static boolean writerGone(String writer, boolean stale) {
        String[] parts = writer.split("/", 3);
        if (parts.length != 3 || !parts[0].equals(HOST)) {
            return stale;
        }
        long pid;
        try {
            pid = Long.parseLong(parts[1]);
        } catch (NumberFormatException e) {
            return stale;
        }
        if (pid == ProcessHandle.current().pid()) {
            return !LIVE_WRITERS.contains(writer);
        }
        return ProcessHandle.of(pid).map(p -> !p.isAlive()).orElse(true);
    }

    // ---------------------------------------------------------------- reading

    @Override
    public Optional<AuditRecord> find(long id) {
        try {
            return withReader(c -> load(c, id).map(StoredRow::toRecord));
        } catch (SQLException e) {
            throw new IllegalStateException("cannot read the audit store: " + firstLine(e), e);
        }
    }

    @Override
    public List<AuditRecord> query(AuditQuery query) {
        List<AuditRecord> out = new ArrayList<>();
        run(query, query.limit(), row -> out.add(row.toRecord()));
        return out;
    }

    @Override
    public long count(AuditQuery query) {
        Sql sql = Sql.where(query);
        try {
            return withReader(c -> {
                try (PreparedStatement ps = c.prepareStatement("SELECT COUNT(*) FROM tollgate_audit" + sql.where())) {
                    sql.bind(ps);
                    try (ResultSet rs = ps.executeQuery()) {
                        rs.next();
                        return rs.getLong(1);
                    }
                }
            });
        } catch (SQLException e) {
            throw new IllegalStateException("cannot read the audit store: " + firstLine(e), e);
        }
    }

    @Override
    public void scan(AuditQuery query, Consumer<AuditRecord> consumer) {
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
        String text = "SELECT " + selectColumns + " FROM tollgate_audit" + sql.where() + " ORDER BY id "
                + (query.newestFirst() ? "DESC" : "ASC") + " LIMIT " + limit;
        try {
            withReader(c -> {
                try (PreparedStatement ps = c.prepareStatement(text)) {
                    sql.bind(ps);
                    try (ResultSet rs = ps.executeQuery()) {
                        while (rs.next()) {
                            sink.accept(read(rs));
                        }
                    }
                }
                return null;
            });
        } catch (SQLException e) {
            throw new IllegalStateException("cannot read the audit store: " + firstLine(e), e);
        }
    }

    @Override
    public VerifyResult verify() {
        try {
            return withReader(this::verifyChain);
        } catch (SQLException e) {
            throw new IllegalStateException("cannot read the audit store: " + firstLine(e), e);
        }
    }

    private VerifyResult verifyChain(Connection c) throws SQLException {
        long checked = 0;
        long expectedSeq = 1;
        String prev = ChainHash.GENESIS;
        long lastId = 0;
        long afterSeq = 0;
        while (true) {
            int got = 0;
            try (PreparedStatement ps = c.prepareStatement("SELECT " + selectColumns
                    + " FROM tollgate_audit WHERE seq > ? ORDER BY seq LIMIT " + SCAN_PAGE)) {
                ps.setLong(1, afterSeq);
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        got++;
                        StoredRow row = read(rs);
                        if (row.seq() != expectedSeq) {
                            return broken(checked, row.id(), "record " + row.id() + " has chain position " + row.seq()
                                    + " but " + expectedSeq + " was expected: records before it were removed");
                        }
                        if (!prev.equals(row.prevHash())) {
                            return broken(checked, row.id(), "record " + row.id()
                                    + " does not link to the record before it: a record was removed or altered");
                        }
                        if (!ChainHash.of(row, row.seq(), row.prevHash()).equals(row.hash())) {
                            return broken(checked, row.id(), "record " + row.id() + " was altered after it was written");
                        }
                        checked++;
                        expectedSeq++;
                        prev = row.hash();
                        lastId = row.id();
                        afterSeq = row.seq();
                    }
                }
            }
            if (got < SCAN_PAGE) {
                break;
            }
        }
        try (PreparedStatement ps = c.prepareStatement("SELECT head_seq, head_hash FROM tollgate_audit_chain WHERE id = 1");
             ResultSet rs = ps.executeQuery()) {
            if (rs.next() && (rs.getLong(1) != expectedSeq - 1 || !rs.getString(2).equals(prev))) {
                return broken(checked, lastId, "the chain ends at record " + lastId + " but the store recorded "
                        + rs.getLong(1) + " chained records: the newest records were removed");
            }
        }
        return new VerifyResult(checked, Optional.empty(), "intact (" + checked + " records)");
    }

    private static VerifyResult broken(long checked, long id, String message) {
        return new VerifyResult(checked, Optional.of(id), message);
    }

    private Optional<StoredRow> load(Connection c, long id) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT " + selectColumns + " FROM tollgate_audit WHERE id = ?")) {
            ps.setLong(1, id);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? Optional.of(read(rs)) : Optional.empty();
            }
        }
    }

    static StoredRow read(ResultSet rs) throws SQLException {
        return new StoredRow(rs.getLong(1), rs.getLong(2), rs.getString(3), rs.getString(4), rs.getString(5),
                rs.getString(6), rs.getString(7), rs.getString(8), rs.getString(9), rs.getString(10), rs.getString(11),
                rs.getString(12), rs.getString(13), rs.getString(14), rs.getString(15), nullableLong(rs, 16),
                nullableLong(rs, 17), rs.getString(18), nullableLong(rs, 19), rs.getString(20), rs.getString(21),
                rs.getString(22), rs.getString(23));
    }

    // ---------------------------------------------------------------- housekeeping

    @Override
    public String location() {
        return AuditStores.h2File(url).map(Path::toString).orElse(AuditStores.redactUrl(url));
    }

    @Override
    public long sizeBytes() {
        return AuditStores.h2File(url).map(p -> {
            try {
                return Files.size(p);
            } catch (IOException e) {
                return -1L;
            }
        }).orElse(-1L);
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
        try {
            if (writer != null) {
                writer.join(ACK_TIMEOUT.toMillis());
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        LIVE_WRITERS.remove(writerId);
        try {
            if (!readOnly && !inFlight.isEmpty()) {
                recoverInterrupted();
            }
        } catch (SQLException e) {
            rollbackQuietly(writerConnection);
            LOG.warn("could not close {} open audit record(s): {}", inFlight.size(), firstLine(e));
        }
        closeQuietly(writerConnection);
        Connection c;
        while ((c = idleReaders.poll()) != null) {
            closeQuietly(c);
        }
    }

    private interface SqlWork<T> {
        T run(Connection c) throws SQLException;
    }

    private <T> T withReader(SqlWork<T> work) throws SQLException {
        if (closed) {
            throw new SQLException("the audit store is closed");
        }
        awaitPendingWrites();
        Connection c = borrow();
        try {
            T result = work.run(c);
            release(c);
            return result;
        } catch (SQLException | RuntimeException e) {
            closeQuietly(c);
            throw e;
        }
    }

    private Connection borrow() throws SQLException {
        Connection c;
        while ((c = idleReaders.poll()) != null) {
            if (c.isValid(2)) {
                return c;
            }
            closeQuietly(c);
        }
        return connect();
    }

    private void release(Connection c) throws SQLException {
        if (!c.getAutoCommit()) {
            c.rollback();
            c.setAutoCommit(true);
        }
        if (closed || idleReaders.size() >= 4) {
            closeQuietly(c);
        } else {
            idleReaders.push(c);
        }
    }

    private Connection writerConnection() throws SQLException {
        if (writerConnection == null || writerConnection.isClosed()) {
            writerConnection = connect();
            writerConnection.setAutoCommit(false);
        }
        return writerConnection;
    }

    private void dropWriterConnectionIfBroken() {
        try {
            if (writerConnection != null && !writerConnection.isValid(2)) {
                closeQuietly(writerConnection);
                writerConnection = null;
            }
        } catch (SQLException e) {
            writerConnection = null;
        }
    }

    private Connection connect() throws SQLException {
        return DriverManager.getConnection(url);
    }

    private String argumentsJson(JsonNode arguments) {
        String json = Json.write(redactor.redact(arguments == null ? Json.object() : arguments));
        if (json.length() <= SqlDialect.MAX_TEXT_CHARS) {
            return json;
        }
        return Json.write(truncated(json, SqlDialect.MAX_TEXT_CHARS - 1024));
    }

    private String resultJson(JsonNode result) {
        if (result == null || result.isNull() || result.isMissingNode()) {
            return null;
        }
        String json = Json.write(redactor.redact(result));
        return json.length() <= MAX_RESULT_CHARS ? json : Json.write(truncated(json, MAX_RESULT_CHARS));
    }

    /** The marker stored instead of a value too large to keep whole. */
    private static JsonNode truncated(String json, int keep) {
        ObjectNode marker = Json.object();
        marker.put("tollgateTruncated", true);
        marker.put("originalChars", json.length());
        marker.put("preview", json.substring(0, keep));
        return marker;
    }

    private static String clip(String value, int max) {
        if (value == null) {
            return null;
        }
        return value.length() <= max ? value : value.substring(0, max);
    }

    private static void setString(PreparedStatement ps, int index, String value) throws SQLException {
        if (value == null) {
            ps.setNull(index, Types.VARCHAR);
        } else {
            ps.setString(index, value);
        }
    }

    private static void setLong(PreparedStatement ps, int index, Long value) throws SQLException {
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

    private static void rollbackQuietly(Connection c) {
        try {
            if (c != null && !c.isClosed() && !c.getAutoCommit()) {
                c.rollback();
            }
        } catch (SQLException e) {
            LOG.debug("rollback failed: {}", e.getMessage());
        }
    }

    private static void closeQuietly(Connection c) {
        try {
            if (c != null) {
                c.close();
            }
        } catch (SQLException e) {
            LOG.debug("closing an audit connection failed: {}", e.getMessage());
        }
    }

    static String firstLine(Throwable e) {
        String message = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
        return message.lines().findFirst().orElse(message);
    }

    private static String localHost() {
        try {
            return InetAddress.getLocalHost().getHostName().replace('/', '_');
        } catch (UnknownHostException e) {
            return "localhost";
        }
    }

    private sealed interface Op permits Insert, Complete {
        CompletableFuture<StoredRow> done();
    }

    private record Insert(StoredRow row, CompletableFuture<StoredRow> done) implements Op {}

    /** {@code agent}/{@code user} are null when the call gained no identity after the attempt was recorded. */
    private record Complete(long id, String agent, String user, StoredRow.Completion completion,
                            CompletableFuture<StoredRow> done) implements Op {}

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
            return new AuditQuery(q.agent(), q.tool(), q.user(), q.session(), q.conversation(), q.decision(),
                    q.status(), q.from(), q.to(), q.beforeId(), Optional.of(Math.max(id, q.afterId().orElse(id))),
                    q.text(), q.limit(), q.newestFirst());
        }

        static AuditQuery withBefore(AuditQuery q, long id) {
            return new AuditQuery(q.agent(), q.tool(), q.user(), q.session(), q.conversation(), q.decision(),
                    q.status(), q.from(), q.to(), Optional.of(Math.min(id, q.beforeId().orElse(id))), q.afterId(),
                    q.text(), q.limit(), q.newestFirst());
        }
    }
}
