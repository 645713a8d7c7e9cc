package dev.tollgate.audit;

import dev.tollgate.json.Json;
import java.io.IOException;
import java.io.OutputStream;
import java.io.OutputStreamWriter;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.zip.GZIPOutputStream;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * Removes the oldest records while keeping {@code audit verify} meaningful: first a checkpoint record is appended
 * to the chain (tool {@code tollgate.prune}) stating how many records were pruned, up to which chain position and
 * the hash of the last one, then those records are deleted. The verifier starts from the newest checkpoint, whose
 * own link in the chain makes it as tamper-evident as any record. An optional archive (gzipped JSON lines with every
 * stored field, hashes included) keeps the pruned records verifiable offline.
 */
final class Pruner {
    static final String SERVER = "tollgate";
    static final String TOOL = "prune";
    private static final int DELETE_PAGE = 10_000;

    private Pruner() {}

    /** What the newest checkpoint says: the chain continues after {@code position}, from {@code hash}. */
    record Checkpoint(long position, String hash, long pruned) {}

    static Optional<Checkpoint> newest(Connection c) throws SQLException {
        try (PreparedStatement ps =
                c.prepareStatement("SELECT arguments_json FROM tollgate_audit WHERE server_name = ? "
                        + "AND tool_name = ? AND seq IS NOT NULL ORDER BY seq DESC LIMIT 1")) {
            ps.setString(1, SERVER);
            ps.setString(2, TOOL);
            try (ResultSet rs = ps.executeQuery()) {
                if (!rs.next()) {
                    return Optional.empty();
                }
                JsonNode args = Json.parse(rs.getString(1));
                return Optional.of(new Checkpoint(
                        args.path("throughPosition").asLong(),
                        args.path("lastHash").asString(),
                        args.path("prunedTotal").asLong()));
            }
        }
    }

    static PruneResult prune(
            AuditQueries queries, GroupCommitWriter writer, String writerId, Instant before, Optional<Path> archive)
            throws AuditUnavailableException {
        long[] range = queries.read(c -> range(c, before));
        if (range == null) {
            return PruneResult.NOTHING;
        }
        long first = range[0];
        long through = range[1];
        String lastHash = queries.read(c -> hashAt(c, through));
        long earlier = queries.read(Pruner::newest).map(Checkpoint::pruned).orElse(0L);
        if (archive.isPresent()) {
            queries.read(c -> {
                write(c, first, through, archive.get());
                return null;
            });
        }
        ObjectNode args = Json.object();
        args.put("before", before.toString());
        args.put("pruned", through - first + 1);
        args.put("prunedTotal", earlier + through - first + 1);
        args.put("throughPosition", through);
        args.put("lastHash", lastHash);
        archive.ifPresent(a -> args.put("archive", a.toAbsolutePath().toString()));
        StoredRow checkpoint = new StoredRow(
                0,
                StoredRow.micros(Instant.now()),
                "tollgate",
                "tollgate-prune",
                null,
                SERVER,
                TOOL,
                Json.write(args),
                null,
                writerId,
                "allowed",
                "audit prune",
                null,
                "pruned " + (through - first + 1) + " records before " + before,
                "success",
                0L,
                0L,
                null,
                null,
                null,
                null,
                null,
                null);
        List<StoredRow> written = await(writer.append(List.of(checkpoint)));
        queries.read(c -> {
            delete(c, through);
            return null;
        });
        return new PruneResult(
                through - first + 1, through, Optional.of(written.get(0).id()));
    }

    /** The chain positions to prune: from the oldest kept to the last before the first record at or after {@code before}. */
    private static long[] range(Connection c, Instant before) throws SQLException {
        Long first = single(c, "SELECT MIN(seq) FROM tollgate_audit WHERE seq IS NOT NULL", null);
        if (first == null) {
            return null;
        }
        Long keep = single(
                c,
                "SELECT MIN(seq) FROM tollgate_audit WHERE seq IS NOT NULL AND ts_us >= ?",
                StoredRow.micros(before));
        long through = keep != null ? keep - 1 : single(c, "SELECT MAX(seq) FROM tollgate_audit", null);
        return through < first ? null : new long[] {first, through};
    }

    private static Long single(Connection c, String sql, Long parameter) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(sql)) {
            if (parameter != null) {
                ps.setLong(1, parameter);
            }
            try (ResultSet rs = ps.executeQuery()) {
                if (!rs.next()) {
                    return null;
                }
                long v = rs.getLong(1);
                return rs.wasNull() ? null : v;
            }
        }
    }

    private static String hashAt(Connection c, long position) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT record_hash FROM tollgate_audit WHERE seq = ?")) {
            ps.setLong(1, position);
            try (ResultSet rs = ps.executeQuery()) {
                if (!rs.next()) {
                    throw new SQLException("no record at chain position " + position);
                }
                return rs.getString(1);
            }
        }
    }

    private static void write(Connection c, long first, long through, Path archive) throws SQLException {
        try (OutputStream file = Files.newOutputStream(archive);
                Writer out = new OutputStreamWriter(new GZIPOutputStream(file), StandardCharsets.UTF_8);
                PreparedStatement ps = c.prepareStatement(
                        "SELECT " + Rows.COLUMNS + " FROM tollgate_audit WHERE seq BETWEEN ? AND ? ORDER BY seq")) {
            ps.setLong(1, first);
            ps.setLong(2, through);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    out.write(Json.write(Journal.encode(new Journal.Entry(Rows.read(rs), Journal.Kind.RECORD))));
                    out.write('\n');
                }
            }
        } catch (IOException e) {
            throw new SQLException("cannot write the archive " + archive + ": " + e.getMessage(), e);
        }
    }

    private static void delete(Connection c, long through) throws SQLException {
        c.setAutoCommit(false);
        try (PreparedStatement ps = c.prepareStatement(
                "DELETE FROM tollgate_audit WHERE id IN (SELECT id FROM tollgate_audit WHERE seq IS NOT NULL "
                        + "AND seq <= ? LIMIT " + DELETE_PAGE + ")")) {
            ps.setLong(1, through);
            while (ps.executeUpdate() > 0) {
                c.commit();
            }
            c.commit();
        }
    }

    private static <T> T await(CompletableFuture<T> done) throws AuditUnavailableException {
        try {
            return done.get(JdbcAuditStore.BULK_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AuditUnavailableException("interrupted while pruning", e);
        } catch (ExecutionException | TimeoutException e) {
            throw new AuditUnavailableException(
                    "the checkpoint record could not be written: " + StoreHealth.rootCause(e), e);
        }
    }
}
