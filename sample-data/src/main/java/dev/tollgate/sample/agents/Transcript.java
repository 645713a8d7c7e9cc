package dev.tollgate.sample.agents;

import dev.tollgate.json.Json;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;

/**
 * A recorded conversation between a customer and one agent (JSONL, one {@link TranscriptLine} per line),
 * with the tool calls the agent made; the scripted agents replay it and the UI shows it beside the calls.
 */
public record Transcript(String name, String agentId, String conversationId, List<TranscriptLine> lines) {
    private static final String BASE = "/dev/tollgate/sample/transcripts/";

    public Transcript {
        lines = List.copyOf(lines);
    }

    /** Every bundled transcript, in the order the demo plays them (the incident last). */
    public static List<Transcript> bundled() {
        List<Transcript> out = new ArrayList<>();
        for (String path : readLines(BASE + "index.txt")) {
            if (!path.isBlank()) {
                out.add(resource(path.strip()));
            }
        }
        return out;
    }

    /** A bundled transcript by its path below the transcripts folder, e.g. {@code billing-agent/refund-storm.jsonl}. */
    public static Transcript resource(String path) {
        int slash = path.indexOf('/');
        if (slash <= 0) {
            throw new IllegalArgumentException("transcript path must be <agent-id>/<file>.jsonl, got " + path);
        }
        return parse(path, path.substring(0, slash), readLines(BASE + path));
    }

    /** Parses JSONL text; every line must belong to the same conversation. */
    public static Transcript parse(String name, String agentId, List<String> jsonLines) {
        List<TranscriptLine> lines = new ArrayList<>();
        for (int i = 0; i < jsonLines.size(); i++) {
            if (!jsonLines.get(i).isBlank()) {
                lines.add(line(name, i + 1, jsonLines.get(i)));
            }
        }
        if (lines.isEmpty()) {
            throw new IllegalArgumentException(name + ": the transcript is empty");
        }
        String conversation = lines.get(0).conversationId();
        for (TranscriptLine line : lines) {
            if (!line.conversationId().equals(conversation)) {
                throw new IllegalArgumentException(
                        name + ": mixes conversations " + conversation + " and " + line.conversationId());
            }
        }
        return new Transcript(name, agentId, conversation, lines);
    }

    /** The tool calls of the conversation in order. */
    public List<TranscriptToolCall> toolCalls() {
        List<TranscriptToolCall> out = new ArrayList<>();
        lines.forEach(l -> out.addAll(l.toolCalls()));
        return out;
    }

    private static TranscriptLine line(String name, int number, String text) {
        try {
            JsonNode node = Json.parse(text);
            List<TranscriptToolCall> calls = new ArrayList<>();
            for (JsonNode call : node.path("toolCalls")) {
                String tool = call.path("tool").asString("");
                if (!tool.contains(".")) {
                    throw new IllegalArgumentException("tool must be server.tool, got '" + tool + "'");
                }
                calls.add(new TranscriptToolCall(
                        tool,
                        call.path("arguments"),
                        call.path("retryUntilConfirmed").asBoolean(false)));
            }
            return new TranscriptLine(
                    required(node, "conversationId"),
                    Instant.parse(required(node, "timestamp")),
                    required(node, "role"),
                    node.path("text").asString(""),
                    calls);
        } catch (JacksonException | DateTimeParseException | IllegalArgumentException e) {
            throw new IllegalArgumentException(name + ":" + number + ": " + e.getMessage(), e);
        }
    }

    private static String required(JsonNode node, String field) {
        JsonNode value = node.get(field);
        if (value == null || !value.isString() || value.asString().isBlank()) {
            throw new IllegalArgumentException("'" + field + "' is missing");
        }
        return value.asString();
    }

    private static List<String> readLines(String resource) {
        try (InputStream in = Transcript.class.getResourceAsStream(resource)) {
            if (in == null) {
                throw new IllegalStateException("transcript resource " + resource + " is missing from the jar");
            }
            List<String> lines = new ArrayList<>();
            try (BufferedReader reader = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8))) {
                reader.lines().forEach(lines::add);
            }
            return lines;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
