package dev.tollgate.audit;

import dev.tollgate.json.Json;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.channels.FileLock;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadLocalRandom;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * The append-only file that makes an H2 store's records durable: one JSON line per attempt ({@code "k":"a"}),
 * completion ({@code "c"}) or bulk-appended record ({@code "r"}), after a header line naming the file's generation. An append is one
 * write of all lines of a batch; the database is fed from it afterwards. Once the database holds everything, the
 * file is emptied and given a new generation, so the database can tell which journal its recorded offset refers to.
 * The file is locked for as long as it is open: one writing process per store. It is written through
 * {@link RandomAccessFile}'s own methods, not its channel: whichever request thread leads a group commit may be
 * interrupted, and an interrupt during channel I/O would close the channel (and drop the lock) for everyone.
 */
final class Journal implements AutoCloseable {
    /** What an entry adds to the database: a new attempt, the completion of one, or a whole finished record. */
    enum Kind {
        ATTEMPT("a"),
        COMPLETION("c"),
        RECORD("r");

        final String code;

        Kind(String code) {
            this.code = code;
        }

        static Kind of(String code) {
            for (Kind k : values()) {
                if (k.code.equals(code)) {
                    return k;
                }
            }
            throw new IllegalArgumentException("unknown journal entry kind " + code);
        }
    }

    /** An entry: the row as written (chained unless it is an attempt) and what it adds. */
    record Entry(StoredRow row, Kind kind) {
        boolean finished() {
            return kind != Kind.ATTEMPT;
        }
    }

    /** What a journal holds after the position the database recorded, and where it ends. */
    record Tail(long generation, List<Entry> entries, long end) {}

    /** Journals open in this process: a second channel on a locked file would drop the lock when it closes. */
    private static final Set<Path> OPEN_HERE = ConcurrentHashMap.newKeySet();

    private final Path file;
    private final RandomAccessFile data;
    private final FileLock lock;
    private long generation;
    private long size;

    private Journal(Path file, RandomAccessFile data, FileLock lock) throws IOException {
        this.file = file;
        this.data = data;
        this.lock = lock;
        this.size = data.length();
    }

    /** Opens (creating) and locks the journal; throws when another process holds it. */
    static Journal open(Path file) throws IOException {
        Path key = file.toAbsolutePath().normalize();
        if (!OPEN_HERE.add(key)) {
            throw new IOException("the audit journal " + file + " is already open in this process");
        }
        try {
            return lock(key);
        } catch (IOException | RuntimeException e) {
            OPEN_HERE.remove(key);
            throw e;
        }
    }

    private static Journal lock(Path file) throws IOException {
        RandomAccessFile data = new RandomAccessFile(file.toFile(), "rw");
        FileLock lock;
        try {
            lock = data.getChannel().tryLock();
        } catch (IOException | RuntimeException e) {
            data.close();
            throw e;
        }
        if (lock == null) {
            data.close();
            throw new IOException(
                    "another Tollgate process is writing the audit store (its journal " + file + " is locked)");
        }
        return new Journal(file, data, lock);
    }

    Path file() {
        return file;
    }

    long generation() {
        return generation;
    }

    long size() {
        return size;
    }

    /**
     * The entries after {@code offset} when the file is of generation {@code recordedGeneration}, else all of them
     * (the file was emptied after the database took everything before). A torn last line (a crash mid-append) ends
     * the tail and is cut off.
     */
    Tail tail(long recordedGeneration, long offset) throws IOException {
        byte[] bytes = Files.readAllBytes(file);
        int headerEnd = indexOf(bytes, 0);
        if (headerEnd < 0) {
            return new Tail(0, List.of(), 0);
        }
        JsonNode header = Json.parse(new String(bytes, 0, headerEnd, StandardCharsets.UTF_8));
        long fileGeneration = header.path("generation").asLong();
        int position = fileGeneration == recordedGeneration && offset > headerEnd ? (int) offset : headerEnd + 1;
        List<Entry> entries = new ArrayList<>();
        int end = position;
        while (position < bytes.length) {
            int lineEnd = indexOf(bytes, position);
            if (lineEnd < 0) {
                break;
            }
            entries.add(decode(Json.parse(new String(bytes, position, lineEnd - position, StandardCharsets.UTF_8))));
            position = lineEnd + 1;
            end = position;
        }
        generation = fileGeneration;
        if (end < bytes.length) {
            data.setLength(end);
        }
        size = end;
        return new Tail(fileGeneration, entries, end);
    }

    /** Empties the file and starts a new generation; only once the database holds every entry. */
    void restart() throws IOException {
        long next = ThreadLocalRandom.current().nextLong(1, Long.MAX_VALUE);
        data.setLength(0);
        size = 0;
        ObjectNode header = Json.object();
        header.put("journal", 1);
        header.put("generation", next);
        write(List.of(Json.write(header)));
        generation = next;
    }

    /** Appends the entries as one write; returns the offset after them. */
    long append(List<Entry> entries) throws IOException {
        List<String> lines = new ArrayList<>(entries.size());
        for (Entry e : entries) {
            lines.add(Json.write(encode(e)));
        }
        write(lines);
        return size;
    }

    /** Waits until the disk holds everything appended so far (fsync), for a store that must survive a power cut. */
    void sync() throws IOException {
        data.getFD().sync();
    }

    /** Cuts off whatever a failed append left after {@code end}. */
    void truncate(long end) throws IOException {
        data.setLength(end);
        size = end;
    }

    private void write(List<String> lines) throws IOException {
        StringBuilder text = new StringBuilder();
        for (String line : lines) {
            text.append(line).append('\n');
        }
        byte[] bytes = text.toString().getBytes(StandardCharsets.UTF_8);
        data.seek(size);
        data.write(bytes);
        size += bytes.length;
    }

    private static int indexOf(byte[] bytes, int from) {
        for (int i = from; i < bytes.length; i++) {
            if (bytes[i] == '\n') {
                return i;
            }
        }
        return -1;
    }

    static ObjectNode encode(Entry e) {
        StoredRow r = e.row();
        ObjectNode o = Json.object();
        o.put("k", e.kind().code);
        o.put("id", r.id());
        o.put("ts", r.timestampMicros());
        o.put("agent", r.agentId());
        o.put("session", r.sessionId());
        o.put("user", r.userId());
        o.put("server", r.server());
        o.put("tool", r.tool());
        o.put("args", r.argumentsJson());
        o.put("conv", r.conversationId());
        o.put("writer", r.writerId());
        if (e.finished()) {
            o.put("decision", r.decision());
            o.put("rule", r.rule());
            o.put("ruleSource", r.ruleSource());
            o.put("reason", r.reason());
            o.put("status", r.status());
            o.put("latencyUs", r.latencyMicros());
            o.put("size", r.responseSize());
            o.put("result", r.resultJson());
            o.put("seq", r.seq());
            o.put("prev", r.prevHash());
            o.put("hash", r.hash());
            o.put("shadowDecision", r.shadowDecision());
            o.put("shadowRule", r.shadowRule());
        }
        return o;
    }

    private static Entry decode(JsonNode o) {
        StoredRow row = new StoredRow(
                o.path("id").asLong(),
                o.path("ts").asLong(),
                text(o, "agent"),
                text(o, "session"),
                text(o, "user"),
                text(o, "server"),
                text(o, "tool"),
                text(o, "args"),
                text(o, "conv"),
                text(o, "writer"),
                text(o, "decision"),
                text(o, "rule"),
                text(o, "ruleSource"),
                text(o, "reason"),
                text(o, "status"),
                number(o, "latencyUs"),
                number(o, "size"),
                text(o, "result"),
                number(o, "seq"),
                text(o, "prev"),
                text(o, "hash"),
                text(o, "shadowDecision"),
                text(o, "shadowRule"));
        return new Entry(row, Kind.of(o.path("k").asString()));
    }

    private static String text(JsonNode o, String field) {
        JsonNode v = o.get(field);
        return v == null || v.isNull() ? null : v.asString();
    }

    private static Long number(JsonNode o, String field) {
        JsonNode v = o.get(field);
        return v == null || v.isNull() ? null : v.asLong();
    }

    @Override
    public void close() throws IOException {
        try {
            lock.release();
        } finally {
            data.close();
            OPEN_HERE.remove(file);
        }
    }
}
