package dev.tollgate.ui.replay;

import dev.tollgate.json.Json;
import java.io.BufferedReader;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;

/**
 * Reads conversation transcripts as JSON Lines: one object per turn with {@code conversationId},
 * {@code timestamp} (ISO-8601 or epoch milliseconds), {@code role} and {@code text}; snake_case names
 * ({@code conversation_id}) are accepted too. An assistant turn's {@code toolCalls} ({@code [{"tool":
 * "payments.issueRefund", …}]}) line it up with the calls it caused. Bad lines are reported by number and skipped.
 */
public final class TranscriptImporter {
    /** The turns read and the problems of the lines that could not be read. */
    public record Result(List<TranscriptTurn> turns, List<String> problems) {
        public Result {
            turns = List.copyOf(turns);
            problems = List.copyOf(problems);
        }
    }

    private TranscriptImporter() {}

    /**
     * Every {@code *.jsonl} transcript in {@code dir} (where agents record their conversations as they run),
     * grouped by conversation; a missing directory has none.
     */
    public static Map<String, List<TranscriptTurn>> readFolder(Path dir) throws IOException {
        Map<String, List<TranscriptTurn>> out = new HashMap<>();
        if (!Files.isDirectory(dir)) {
            return out;
        }
        try (DirectoryStream<Path> files = Files.newDirectoryStream(dir, "*.jsonl")) {
            for (Path file : files) {
                for (TranscriptTurn turn : read(file).turns()) {
                    out.computeIfAbsent(turn.conversationId(), k -> new ArrayList<>())
                            .add(turn);
                }
            }
        }
        return out;
    }

    public static Result read(Path file) throws IOException {
        try (BufferedReader in = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            List<TranscriptTurn> turns = new ArrayList<>();
            List<String> problems = new ArrayList<>();
            String line;
            int number = 0;
            while ((line = in.readLine()) != null) {
                number++;
                if (line.isBlank()) {
                    continue;
                }
                try {
                    turns.add(parse(Json.parse(line)));
                } catch (JacksonException e) {
                    problems.add(file.getFileName() + ":" + number + ": not a JSON object");
                } catch (IllegalArgumentException e) {
                    problems.add(file.getFileName() + ":" + number + ": " + e.getMessage());
                }
            }
            return new Result(turns, problems);
        }
    }

    static TranscriptTurn parse(JsonNode node) {
        if (!node.isObject()) {
            throw new IllegalArgumentException("not a JSON object");
        }
        String conversation = field(node, "conversationId", "conversation_id")
                .orElseThrow(() -> new IllegalArgumentException("missing conversationId"));
        String stamp = field(node, "timestamp", "timestamp")
                .orElseThrow(() -> new IllegalArgumentException("missing timestamp"));
        String role = field(node, "role", "role").orElse("unknown");
        String text = field(node, "text", "text").orElse("");
        List<String> tools = new ArrayList<>();
        JsonNode calls = node.has("toolCalls") ? node.get("toolCalls") : node.path("tool_calls");
        for (JsonNode call : calls) {
            field(call, "tool", "tool").ifPresent(tools::add);
        }
        return new TranscriptTurn(conversation, instant(stamp), role, text, tools);
    }

    private static Optional<String> field(JsonNode node, String camel, String snake) {
        JsonNode v = node.has(camel) ? node.get(camel) : node.get(snake);
        return v == null || v.isNull() ? Optional.empty() : Optional.of(v.isString() ? v.asString() : v.toString());
    }

    private static Instant instant(String text) {
        if (text.chars().allMatch(Character::isDigit)) {
            return Instant.ofEpochMilli(Long.parseLong(text));
        }
        try {
            return Instant.parse(text);
        } catch (DateTimeParseException e) {
            try {
                return java.time.OffsetDateTime.parse(text).toInstant();
            } catch (DateTimeParseException again) {
                throw new IllegalArgumentException("timestamp '" + text + "' is not ISO-8601 or epoch milliseconds");
            }
        }
    }
}
