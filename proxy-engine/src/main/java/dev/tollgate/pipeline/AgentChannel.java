package dev.tollgate.pipeline;

import tools.jackson.databind.JsonNode;

/**
 * Where messages related to one agent request go while it is in flight (progress notifications,
 * server-to-client requests): the POST's SSE stream over HTTP, stdout over stdio.
 */
@FunctionalInterface
public interface AgentChannel {
    AgentChannel DISCARD = message -> {};

    void send(JsonNode message);
}
