package dev.tollgate.upstream;

import tools.jackson.databind.JsonNode;

/** A resource template an upstream lists, with the whole definition as listed. */
public record UpstreamResourceTemplate(String server, String uriTemplate, JsonNode definition) {}
