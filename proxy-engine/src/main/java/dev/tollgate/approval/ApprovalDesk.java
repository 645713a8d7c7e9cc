package dev.tollgate.approval;

import dev.tollgate.config.DirectoryWatch;
import dev.tollgate.events.EngineEvent;
import dev.tollgate.events.EventBus;
import dev.tollgate.json.Json;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import tools.jackson.databind.JsonNode;

/**
 * Where held calls wait for a human. The desktop app answers through {@link #answer}; the {@code tollgate approvals}
 * command through the shared directory: each held call is {@code pending/ID.json} there while it waits, and an
 * answer is a file {@code answers/ID.json} ({@code approved}, {@code by}, {@code note}) that this desk picks up,
 * applies and deletes. The first answer counts; later ones are ignored. The directory is made when the first call
 * is held, so configurations without {@code approve:} rules never get one.
 */
public final class ApprovalDesk implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(ApprovalDesk.class);
    public static final String PENDING = "pending";
    public static final String ANSWERS = "answers";

    private static final SecureRandom RANDOM = new SecureRandom();

    private record Waiting(HeldCall call, CompletableFuture<Answer> answer) {}

    private final ApprovalSettings settings;
    private final EventBus events;
    private final Clock clock;
    private final Map<String, Waiting> waiting = new ConcurrentHashMap<>();
    private DirectoryWatch watch;

    public ApprovalDesk(ApprovalSettings settings, EventBus events, Clock clock) {
        this.settings = settings;
        this.events = events;
        this.clock = clock;
    }

    public ApprovalSettings settings() {
        return settings;
    }

    /** Puts a call on the desk; the future completes with the first answer. */
    public CompletableFuture<Answer> hold(HeldCall call) {
        CompletableFuture<Answer> answer = new CompletableFuture<>();
        waiting.put(call.id(), new Waiting(call, answer));
        settings.directory().ifPresent(dir -> {
            try {
                watch();
                write(dir.resolve(PENDING), call.id(), Json.pretty(call.toJson()));
            } catch (IOException e) {
                LOG.warn("held call {} is not visible to 'tollgate approvals': {}", call.id(), e.getMessage());
            }
        });
        LOG.info("holding {} of {} for approval as {} ({})", call.tool(), call.agentId(), call.id(), call.rule());
        events.publish(new EngineEvent.ApprovalRequested(clock.instant(), call));
        return answer;
    }

    /** The calls waiting now, oldest first. */
    public List<HeldCall> pending() {
        return waiting.values().stream()
                .map(Waiting::call)
                .sorted(Comparator.comparing(HeldCall::heldAt))
                .toList();
    }

    /** Answers a held call; false when no call with that id is waiting (unknown, or already answered). */
    public boolean answer(String id, boolean approved, String by, String note) {
        Waiting w = waiting.remove(id);
        if (w == null) {
            return false;
        }
        Instant now = clock.instant();
        Answer answer = new Answer(
                approved,
                by,
                now,
                note == null ? "" : note,
                Duration.between(w.call().heldAt(), now));
        settings.directory().ifPresent(dir -> delete(dir.resolve(PENDING).resolve(id + ".json")));
        LOG.info("{} {}", id, answer.describe());
        events.publish(new EngineEvent.ApprovalAnswered(now, w.call(), answer));
        w.answer().complete(answer);
        return true;
    }

    /** Clears what an earlier run left in the shared directory: its held calls died with it. */
    public void clearStale() throws IOException {
        if (settings.directory().isEmpty()) {
            return;
        }
        for (String sub : List.of(PENDING, ANSWERS)) {
            Path dir = settings.directory().get().resolve(sub);
            if (Files.isDirectory(dir)) {
                clear(dir);
            }
        }
    }

    /** Watches the answers directory, creating the shared directory on the first held call rather than at start. */
    private synchronized void watch() throws IOException {
        if (settings.directory().isEmpty() || watch != null) {
            return;
        }
        Path answers = settings.directory().get().resolve(ANSWERS);
        Files.createDirectories(answers);
        Files.createDirectories(settings.directory().get().resolve(PENDING));
        watch = DirectoryWatch.start(answers, "tollgate-approvals-watch", name -> true, () -> readAnswers(answers));
    }

    private void readAnswers(Path answers) {
        try (DirectoryStream<Path> files = Files.newDirectoryStream(answers, "*.json")) {
            for (Path file : files) {
                String id = file.getFileName().toString().replaceFirst("\\.json$", "");
                try {
                    JsonNode node = Json.parse(Files.readString(file, StandardCharsets.UTF_8));
                    if (!answer(
                            id,
                            node.path("approved").asBoolean(false),
                            node.path("by").asString("cli"),
                            node.path("note").asString(""))) {
                        LOG.info("answer to {} ignored: no call with that id is waiting", id);
                    }
                } catch (RuntimeException e) {
                    LOG.warn("unreadable answer {}: {}", file, e.getMessage());
                }
                delete(file);
            }
        } catch (IOException e) {
            LOG.warn("cannot read answers in {}: {}", answers, e.getMessage());
        }
    }

    /** Writes an answer file for the running instance (the {@code tollgate approvals approve|deny} side). */
    public static void writeAnswer(Path directory, String id, boolean approved, String by, String note)
            throws IOException {
        var node = Json.object();
        node.put("approved", approved);
        node.put("by", by);
        node.put("note", note == null ? "" : note);
        write(directory.resolve(ANSWERS), id, Json.write(node));
    }

    /** The calls a running instance holds, from the shared directory (the {@code tollgate approvals list} side). */
    public static List<HeldCall> readPending(Path directory) throws IOException {
        Path pending = directory.resolve(PENDING);
        List<HeldCall> calls = new ArrayList<>();
        if (!Files.isDirectory(pending)) {
            return calls;
        }
        try (DirectoryStream<Path> files = Files.newDirectoryStream(pending, "*.json")) {
            for (Path file : files) {
                try {
                    calls.add(HeldCall.fromJson(Json.parse(Files.readString(file, StandardCharsets.UTF_8))));
                } catch (IOException | RuntimeException e) {
                    LOG.debug("skipping {}: {}", file, e.getMessage());
                }
            }
        }
        calls.sort(Comparator.comparing(HeldCall::heldAt));
        return calls;
    }

    /** Whether the shared directory still shows the call as waiting. */
    public static boolean isPending(Path directory, String id) {
        return Files.exists(directory.resolve(PENDING).resolve(id + ".json"));
    }

    private static void write(Path dir, String id, String text) throws IOException {
        Files.createDirectories(dir);
        Path temp = Files.createTempFile(dir, ".", ".tmp");
        Files.writeString(temp, text, StandardCharsets.UTF_8);
        Files.move(
                temp, dir.resolve(id + ".json"), StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    }

    private static void clear(Path dir) throws IOException {
        try (DirectoryStream<Path> files = Files.newDirectoryStream(dir, "*.json")) {
            for (Path file : files) {
                delete(file);
            }
        }
    }

    private static void delete(Path file) {
        try {
            Files.deleteIfExists(file);
        } catch (IOException e) {
            LOG.debug("cannot delete {}: {}", file, e.getMessage());
        }
    }

    /** Denies whatever still waits (the engine is stopping) and stops watching. */
    @Override
    public synchronized void close() {
        for (String id : List.copyOf(waiting.keySet())) {
            answer(id, false, "tollgate", "Tollgate is shutting down");
        }
        if (watch != null) {
            watch.close();
            watch = null;
        }
    }

    /** The id of a held call, short enough to type: {@code a-} and 8 hex digits. */
    static String newId() {
        return "a-" + String.format(Locale.ROOT, "%08x", RANDOM.nextInt());
    }
}
