package dev.tollgate.audit;

import java.io.IOException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.LongConsumer;

/**
 * Walks the hash chain in order: every record must sit at the next position, link to the one before and hash to
 * what it stores. The end is checked twice: against the head row in the database and against the anchor file
 * outside it, so removing the newest records shows even when the head row was rewritten to match.
 */
final class ChainVerifier {
    private static final int PAGE = 5_000;
    static final String NO_ANCHOR = "no anchor: a removed tail cannot be detected";
    /** How often progress is reported, in records. */
    static final long PROGRESS_EVERY = 100_000;

    private final Optional<Anchor> anchor;
    private final String columns;

    ChainVerifier(Optional<Anchor> anchor, String columns) {
        this.anchor = anchor;
        this.columns = columns;
    }

    VerifyResult verify(Connection c, LongConsumer progress) throws SQLException {
        long checked = 0;
        Optional<Pruner.Checkpoint> pruned = Pruner.newest(c);
        long prunedThrough = pruned.map(Pruner.Checkpoint::position).orElse(0L);
        long expectedSeq = prunedThrough + 1;
        String prev = pruned.map(Pruner.Checkpoint::hash).orElse(ChainHash.GENESIS);
        long lastId = 0;
        while (true) {
            int got = 0;
            try (PreparedStatement ps = c.prepareStatement(
                    "SELECT " + columns + " FROM tollgate_audit WHERE seq >= ? ORDER BY seq LIMIT " + PAGE)) {
                ps.setLong(1, expectedSeq);
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        got++;
                        StoredRow row = Rows.read(rs);
                        if (row.seq() != expectedSeq) {
                            return broken(
                                    checked,
                                    row.id(),
                                    "record " + row.id() + " has chain position " + row.seq() + " but " + expectedSeq
                                            + " was expected: records before it were removed");
                        }
                        if (!prev.equals(row.prevHash())) {
                            return broken(
                                    checked,
                                    row.id(),
                                    "record " + row.id()
                                            + " does not link to the record before it: a record was removed or altered");
                        }
                        if (!ChainHash.of(row, row.seq(), row.prevHash()).equals(row.hash())) {
                            return broken(
                                    checked, row.id(), "record " + row.id() + " was altered after it was written");
                        }
                        checked++;
                        expectedSeq++;
                        prev = row.hash();
                        lastId = row.id();
                        if (checked % PROGRESS_EVERY == 0) {
                            progress.accept(checked);
                        }
                    }
                }
            }
            if (got < PAGE) {
                break;
            }
        }
        long lastSeq = expectedSeq - 1;
        try (PreparedStatement ps =
                        c.prepareStatement("SELECT head_seq, head_hash FROM tollgate_audit_chain WHERE id = 1");
                ResultSet rs = ps.executeQuery()) {
            if (rs.next() && (rs.getLong(1) != lastSeq || !rs.getString(2).equals(prev))) {
                return broken(
                        checked,
                        lastId,
                        "the chain ends at record " + lastId + " but the store recorded " + rs.getLong(1)
                                + " chained records: the newest records were removed");
            }
        }
        Optional<Rows.Head> anchored;
        try {
            anchored = anchor.isPresent() ? anchor.get().read() : Optional.empty();
        } catch (IOException e) {
            return broken(
                    checked,
                    lastId,
                    "cannot read the chain anchor " + anchor.get().file() + ": " + e.getMessage());
        }
        List<String> warnings = new ArrayList<>();
        if (anchor.isEmpty()) {
            warnings.add(NO_ANCHOR + " (this store keeps no anchor file: only its head row is checked)");
        } else if (anchored.isEmpty()) {
            warnings.add(NO_ANCHOR + " (" + anchor.get().file() + " is missing: it was removed, or the store was"
                    + " written before anchors and no Tollgate has written it since)");
        }
        if (anchored.isPresent()) {
            Rows.Head a = anchored.get();
            if (a.seq() > lastSeq) {
                return broken(
                        checked,
                        lastId,
                        "the chain ends at position " + lastSeq + " (record " + lastId
                                + ") but the anchor " + anchor.get().file() + " says it reached position " + a.seq()
                                + ": the newest records were removed");
            }
            if (a.seq() > prunedThrough && !a.hash().equals(hashAt(c, a.seq()))) {
                return broken(
                        checked,
                        lastId,
                        "the record at chain position " + a.seq() + " is not the one the anchor "
                                + anchor.get().file() + " names: the chain was rewritten");
            }
        }
        return new VerifyResult(
                checked,
                Optional.empty(),
                "intact (" + checked + " records"
                        + pruned.map(p -> "; " + p.pruned() + " older records pruned, as a checkpoint record states")
                                .orElse("")
                        + ")",
                warnings);
    }

    private static String hashAt(Connection c, long seq) throws SQLException {
        if (seq == 0) {
            return ChainHash.GENESIS;
        }
        try (PreparedStatement ps = c.prepareStatement("SELECT record_hash FROM tollgate_audit WHERE seq = ?")) {
            ps.setLong(1, seq);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? rs.getString(1) : "";
            }
        }
    }

    private static VerifyResult broken(long checked, long id, String message) {
        return new VerifyResult(checked, Optional.of(id), message);
    }
}
