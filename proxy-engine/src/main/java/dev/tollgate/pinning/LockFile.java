package dev.tollgate.pinning;

import dev.tollgate.json.Json;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.function.UnaryOperator;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * The lock file: per {@code server.tool} the pinned definition and its hash, and, once a running Tollgate saw a
 * different one, that offered definition too. JSON, sorted by tool, so it diffs well in version control. Both the
 * engine and the {@code tollgate tools} command change it, each by read-modify-write under an OS file lock on a
 * sibling guard file and an atomic rename, so neither loses the other's change.
 */
public final class LockFile {
    private static final int VERSION = 1;

    /** A definition a server offered that differs from the pin. */
    public record Offer(String sha256, Instant seenAt, JsonNode definition) {}

    /** The approved definition of one tool, and the different one offered since, if any. */
    public record Pin(String sha256, Instant pinnedAt, JsonNode definition, Optional<Offer> offered) {
        /** Whether the server now offers something other than what was pinned. */
        public boolean changed() {
            return offered.isPresent() && !offered.get().sha256().equals(sha256);
        }

        /** The offered definition becomes the pin. */
        public Pin approve(Instant at) {
            Offer offer = offered.orElseThrow();
            return new Pin(offer.sha256(), at, offer.definition(), Optional.empty());
        }
    }

    private LockFile() {}

    /** The pins in the file, by {@code server.tool}; empty when the file does not exist yet. */
    public static Map<String, Pin> read(Path file) throws IOException {
        if (!Files.exists(file)) {
            return new TreeMap<>();
        }
        JsonNode root;
        try {
            root = Json.parse(Files.readString(file, StandardCharsets.UTF_8));
        } catch (JacksonException e) {
            throw new IOException(file + " is not a Tollgate lock file: " + e.getOriginalMessage(), e);
        }
        Map<String, Pin> pins = new TreeMap<>();
        for (Map.Entry<String, JsonNode> e : root.path("tools").properties()) {
            JsonNode pin = e.getValue();
            Optional<Offer> offered = Optional.empty();
            if (pin.path("offered").isObject()) {
                JsonNode o = pin.get("offered");
                offered = Optional.of(
                        new Offer(o.path("sha256").asString(), instant(o.path("seenAt")), o.path("definition")));
            }
            pins.put(
                    e.getKey(),
                    new Pin(
                            pin.path("sha256").asString(),
                            instant(pin.path("pinnedAt")),
                            pin.path("definition"),
                            offered));
        }
        return pins;
    }

    private static Instant instant(JsonNode node) {
        return node.isString() ? Instant.parse(node.asString()) : Instant.EPOCH;
    }

    /** Applies {@code change} to the file's current pins and writes the result; returns what was written. */
    public static Map<String, Pin> update(Path file, UnaryOperator<Map<String, Pin>> change) throws IOException {
        Path dir = file.toAbsolutePath().getParent();
        Files.createDirectories(dir);
        Path guard = dir.resolve("." + file.getFileName() + ".guard");
        try (FileChannel channel = FileChannel.open(guard, StandardOpenOption.CREATE, StandardOpenOption.WRITE);
                FileLock ignored = channel.lock()) {
            Map<String, Pin> next = change.apply(read(file));
            Path temp = Files.createTempFile(dir, ".tollgate-lock-", ".tmp");
            Files.writeString(temp, Json.pretty(toJson(next)) + "\n", StandardCharsets.UTF_8);
            try {
                Files.move(temp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(temp, file, StandardCopyOption.REPLACE_EXISTING);
            }
            return next;
        } catch (UncheckedIOException e) {
            throw e.getCause();
        }
    }

    /**
     * Makes the definition a running Tollgate recorded as offered the pin of {@code tool} ({@code server.tool});
     * throws {@link IllegalArgumentException} when the file records no changed definition for it.
     */
    public static Pin approveOffered(Path file, String tool, Instant at) throws IOException {
        Map<String, Pin> written = update(file, pins -> {
            Pin pin = pins.get(tool);
            if (pin == null || !pin.changed()) {
                throw new IllegalArgumentException(file.getFileName() + " records no changed definition of " + tool
                        + (pin == null ? " (it is not pinned at all)" : ""));
            }
            pins.put(tool, pin.approve(at));
            return pins;
        });
        return written.get(tool);
    }

    private static ObjectNode toJson(Map<String, Pin> pins) {
        ObjectNode root = Json.object();
        root.put("version", VERSION);
        ObjectNode tools = root.putObject("tools");
        new TreeMap<>(pins).forEach((name, pin) -> {
            ObjectNode entry = tools.putObject(name);
            entry.put("sha256", pin.sha256());
            entry.put("pinnedAt", pin.pinnedAt().toString());
            entry.set("definition", pin.definition());
            pin.offered().ifPresent(o -> {
                ObjectNode offered = entry.putObject("offered");
                offered.put("sha256", o.sha256());
                offered.put("seenAt", o.seenAt().toString());
                offered.set("definition", o.definition());
            });
        });
        return root;
    }
}
