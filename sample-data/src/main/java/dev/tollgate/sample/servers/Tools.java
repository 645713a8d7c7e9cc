package dev.tollgate.sample.servers;

import dev.tollgate.json.Json;
import io.modelcontextprotocol.json.McpJsonDefaults;
import io.modelcontextprotocol.server.McpServerFeatures.SyncToolSpecification;
import io.modelcontextprotocol.spec.McpSchema;
import io.modelcontextprotocol.spec.McpSchema.CallToolResult;
import java.util.Map;
import java.util.function.Function;
import tools.jackson.databind.JsonNode;

/** Builds tool specifications with honest annotations from a JSON schema and a JSON-in, JSON-out handler. */
final class Tools {
    private Tools() {}

    /** The behaviour class of a tool, mapped onto the MCP annotation hints. */
    enum Kind {
        /** Reads only: readOnly. */
        READ(true, false, true),
        /** Adds something new each call (a ticket, an event): not destructive, not idempotent. */
        ADD(false, false, false),
        /** Overwrites existing state; repeating it changes nothing more. */
        OVERWRITE(false, true, true),
        /** Changes the world irreversibly and again on every repeat (moving money). */
        IRREVERSIBLE(false, true, false);

        final boolean readOnly;
        final boolean destructive;
        final boolean idempotent;

        Kind(boolean readOnly, boolean destructive, boolean idempotent) {
            this.readOnly = readOnly;
            this.destructive = destructive;
            this.idempotent = idempotent;
        }
    }

    static SyncToolSpecification tool(
            String name,
            String title,
            String description,
            Kind kind,
            boolean openWorld,
            String inputSchema,
            Function<JsonNode, JsonNode> handler) {
        McpSchema.ToolAnnotations annotations = McpSchema.ToolAnnotations.builder()
                .title(title)
                .readOnlyHint(kind.readOnly)
                .destructiveHint(kind.destructive)
                .idempotentHint(kind.idempotent)
                .openWorldHint(openWorld)
                .build();
        McpSchema.Tool tool = McpSchema.Tool.builder()
                .name(name)
                .title(title)
                .description(description)
                .inputSchema(McpJsonDefaults.getMapper(), inputSchema)
                .annotations(annotations)
                .build();
        return SyncToolSpecification.builder()
                .tool(tool)
                .callHandler((exchange, request) -> call(handler, request.arguments()))
                .build();
    }

    private static CallToolResult call(Function<JsonNode, JsonNode> handler, Map<String, Object> arguments) {
        JsonNode args = Json.MAPPER.valueToTree(arguments == null ? Map.of() : arguments);
        try {
            JsonNode result = handler.apply(args);
            return CallToolResult.builder()
                    .addTextContent(Json.write(result))
                    .structuredContent(Json.MAPPER.convertValue(result, Map.class))
                    .isError(false)
                    .build();
        } catch (ToolFailure e) {
            return CallToolResult.builder()
                    .addTextContent(e.getMessage())
                    .isError(true)
                    .build();
        }
    }

    static String requiredText(JsonNode args, String field) {
        JsonNode value = args.get(field);
        if (value == null || !value.isString() || value.asString().isBlank()) {
            throw new ToolFailure("'" + field + "' is required and must be a non-empty string");
        }
        return value.asString();
    }

    static double requiredAmount(JsonNode args, String field) {
        JsonNode value = args.get(field);
        if (value == null || !value.isNumber() || value.asDouble() <= 0) {
            throw new ToolFailure("'" + field + "' is required and must be a positive number");
        }
        return value.asDouble();
    }
}
