package dev.tollgate.upstream;

import dev.tollgate.pipeline.ToolAnnotations;
import dev.tollgate.pipeline.ToolRef;
import java.util.Optional;
import tools.jackson.databind.JsonNode;

/** A tool an upstream lists: its server, its upstream name, the whole definition as listed, and its hints. */
public record UpstreamTool(String server, String name, JsonNode definition, ToolAnnotations annotations) {

    /** Reads name and annotation hints from one entry of a {@code tools/list} result. */
    public static UpstreamTool of(String server, JsonNode definition) {
        JsonNode hints = definition.path("annotations");
        ToolAnnotations annotations = new ToolAnnotations(
                hint(hints, "readOnlyHint"),
                hint(hints, "destructiveHint"),
                hint(hints, "idempotentHint"),
                hint(hints, "openWorldHint"));
        return new UpstreamTool(server, definition.path("name").asString(), definition, annotations);
    }

    private static Optional<Boolean> hint(JsonNode hints, String key) {
        JsonNode value = hints.get(key);
        return value != null && value.isBoolean() ? Optional.of(value.asBoolean()) : Optional.empty();
    }

    /** How policy addresses this tool: {@code server.tool}. */
    public ToolRef ref() {
        return new ToolRef(server, name);
    }
}
