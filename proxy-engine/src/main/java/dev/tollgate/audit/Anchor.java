package dev.tollgate.audit;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Optional;

/**
 * The chain head kept outside the database, in a small file beside it ({@code audit.anchor}): the position and hash
 * of the newest chained record. Whoever removes records from the end of the table and rewrites the head row must
 * also find and rewrite this file, or {@code audit verify} reports the removal.
 */
final class Anchor {
    private final Path file;

    Anchor(Path file) {
        this.file = file;
    }

    Path file() {
        return file;
    }

    void write(Rows.Head head) throws IOException {
        String text = "tollgate-audit-anchor 1\nseq=" + head.seq() + "\nhash=" + head.hash() + "\n";
        Path temp = file.resolveSibling(file.getFileName() + ".tmp");
        Files.writeString(temp, text, StandardCharsets.UTF_8);
        try {
            Files.move(temp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } catch (AtomicMoveNotSupportedException e) {
            Files.move(temp, file, StandardCopyOption.REPLACE_EXISTING);
        }
    }

    /** The head last written, or empty when there is no anchor (a store written before anchors, or PostgreSQL). */
    Optional<Rows.Head> read() throws IOException {
        if (!Files.isRegularFile(file)) {
            return Optional.empty();
        }
        long seq = -1;
        String hash = null;
        for (String line : Files.readAllLines(file, StandardCharsets.UTF_8)) {
            if (line.startsWith("seq=")) {
                seq = Long.parseLong(line.substring(4).trim());
            } else if (line.startsWith("hash=")) {
                hash = line.substring(5).trim();
            }
        }
        if (seq < 0 || hash == null) {
            throw new IOException("the audit anchor " + file + " is damaged");
        }
        return Optional.of(new Rows.Head(seq, hash));
    }
}
