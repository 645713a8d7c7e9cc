package dev.tollgate.sample.agents;

import dev.tollgate.json.Json;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Clock;
import java.util.List;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * Writes the conversation a scripted agent is having, turn by turn as it happens, to
 * {@code <dir>/<conversationId>.jsonl}: the turns of its script with the real time they were played, and
 * each tool call's real outcome as a {@code tool} turn. The desktop app shows these beside the audited calls.
 */
public final class TranscriptRecorder {
    private final Path dir;
    private final Clock clock;

    public TranscriptRecorder(Path dir, Clock clock) {
        this.dir = dir;
        this.clock = clock;
    }

    /** A user, assistant or system turn of the script, with the tool calls it asks for. */
    public void turn(TranscriptLine line) {
        ObjectNode turn = turn(line.conversationId(), line.role(), line.text());
        if (!line.toolCalls().isEmpty()) {
            ArrayNode calls = turn.putArray("toolCalls");
            for (TranscriptToolCall call : line.toolCalls()) {
                calls.addObject().put("tool", call.tool()).set("arguments", call.arguments());
            }
        }
        append(line.conversationId(), turn);
    }

    /** What a tool call (after all its attempts) answered, as the agent read it. */
    public void result(String conversationId, List<AgentCall> attempts) {
        AgentCall last = attempts.get(attempts.size() - 1);
        String outcome = switch (last.outcome()) {
            case OK -> last.text();
            case BLOCKED -> "blocked: " + last.text();
            case ERROR -> "error: " + last.text();
        };
        String text = attempts.size() == 1 ? outcome : attempts.size() + " attempts; the last: " + outcome;
        append(conversationId, turn(conversationId, "tool", text).put("tool", last.tool()));
    }

    private ObjectNode turn(String conversationId, String role, String text) {
        ObjectNode turn = Json.object();
        turn.put("conversationId", conversationId);
        turn.put("timestamp", clock.instant().toString());
        turn.put("role", role);
        turn.put("text", text);
        return turn;
    }

    private synchronized void append(String conversationId, ObjectNode turn) {
        try {
            Files.createDirectories(dir);
            Files.writeString(
                    dir.resolve(conversationId + ".jsonl"),
                    Json.write(turn) + "\n",
                    StandardCharsets.UTF_8,
                    StandardOpenOption.CREATE,
                    StandardOpenOption.APPEND);
        } catch (IOException e) {
            throw new UncheckedIOException(
                    "cannot write the transcript of " + conversationId + ": " + e.getMessage(), e);
        }
    }
}
