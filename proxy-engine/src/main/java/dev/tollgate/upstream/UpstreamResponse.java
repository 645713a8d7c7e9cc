package dev.tollgate.upstream;

import java.util.Optional;
import tools.jackson.databind.JsonNode;

/** An upstream's answer to one JSON-RPC request: a result or a JSON-RPC error object. */
public record UpstreamResponse(Optional<JsonNode> result, Optional<JsonNode> error) {
    public static UpstreamResponse ofResult(JsonNode result) {
        return new UpstreamResponse(Optional.of(result), Optional.empty());
    }

    public static UpstreamResponse ofError(JsonNode error) {
        return new UpstreamResponse(Optional.empty(), Optional.of(error));
    }
}
