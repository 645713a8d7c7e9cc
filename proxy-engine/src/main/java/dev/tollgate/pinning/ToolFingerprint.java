package dev.tollgate.pinning;

import dev.tollgate.json.Json;
import dev.tollgate.loopbreaker.CanonicalArguments;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * The part of a tool definition a model reads and acts on (name, title, description, input and output schema,
 * annotations) and its SHA-256 over a canonical spelling, so key order or number spelling never looks like a change.
 */
public final class ToolFingerprint {
    /** The definition fields that are pinned; anything else (e.g. {@code _meta}, icons) may change freely. */
    public static final List<String> FIELDS =
            List.of("name", "title", "description", "inputSchema", "outputSchema", "annotations");

    private ToolFingerprint() {}

    /** The pinned fields of a definition, in a fixed order. */
    public static ObjectNode pinnedPart(JsonNode definition) {
        ObjectNode part = Json.object();
        for (String field : FIELDS) {
            JsonNode value = definition.get(field);
            if (value != null && !value.isNull()) {
                part.set(field, value.deepCopy());
            }
        }
        return part;
    }

    /** Hex SHA-256 of the canonical pinned part. */
    public static String of(JsonNode definition) {
        String canonical = CanonicalArguments.canonical(pinnedPart(definition));
        try {
            byte[] hash = MessageDigest.getInstance("SHA-256").digest(canonical.getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(hash);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is part of every Java runtime", e);
        }
    }
}
