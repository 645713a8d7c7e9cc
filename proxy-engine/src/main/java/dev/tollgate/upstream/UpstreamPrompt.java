package dev.tollgate.upstream;

import tools.jackson.databind.JsonNode;

/** A prompt an upstream lists, with the whole definition as listed. */
public record UpstreamPrompt(String server, String name, JsonNode definition) {}
