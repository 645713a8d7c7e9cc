package dev.tollgate.upstream;

import tools.jackson.databind.JsonNode;

/** A resource an upstream lists, with the whole definition as listed. */
public record UpstreamResource(String server, String uri, JsonNode definition) {}
