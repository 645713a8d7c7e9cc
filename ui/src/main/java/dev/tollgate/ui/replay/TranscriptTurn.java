package dev.tollgate.ui.replay;

import java.time.Instant;

/** One turn of an agent's conversation (user, assistant, system or tool text) as imported from a transcript. */
public record TranscriptTurn(String conversationId, Instant timestamp, String role, String text) {}
