package dev.tollgate.sample.agents;

import java.time.Instant;
import java.util.List;

/** One line of a transcript file: who said what, when, and the tool calls an assistant turn made. */
public record TranscriptLine(
        String conversationId, Instant timestamp, String role, String text, List<TranscriptToolCall> toolCalls) {
    public TranscriptLine {
        toolCalls = List.copyOf(toolCalls);
    }
}
