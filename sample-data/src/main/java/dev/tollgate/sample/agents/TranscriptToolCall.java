package dev.tollgate.sample.agents;

import tools.jackson.databind.JsonNode;

/**
 * A tool call the agent made in a conversation turn, addressed as {@code server.tool}.
 * {@code retryUntilConfirmed} is the incident's bug: on any error the agent calls again, without backoff.
 */
public record TranscriptToolCall(String tool, JsonNode arguments, boolean retryUntilConfirmed) {}
