package dev.tollgate.ui.replay;

import java.time.Instant;
import java.util.List;

/**
 * One turn of an agent's conversation (user, assistant, system or tool text) from a transcript, with the
 * tools ({@code server.tool}) an assistant turn asked for, which is what lines it up with the audited calls.
 */
public record TranscriptTurn(String conversationId, Instant timestamp, String role, String text, List<String> tools) {
    public TranscriptTurn {
        tools = List.copyOf(tools);
    }

    /** A turn that called no tools. */
    public TranscriptTurn(String conversationId, Instant timestamp, String role, String text) {
        this(conversationId, timestamp, role, text, List.of());
    }
}
