package dev.tollgate.audit;

import dev.tollgate.json.Json;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/** What a call's values become in the audit table: redacted, clipped to their column, too-large JSON replaced. */
final class StoredValues {
    static final int MAX_RESULT_CHARS = 64 * 1024;

    private final Redactor redactor;

    StoredValues(Redactor redactor) {
        this.redactor = redactor;
    }

    /** The arguments as stored: redacted JSON, or a truncation marker when they exceed the column. */
    String arguments(JsonNode arguments) {
        String json = Json.write(redactor.redact(arguments == null ? Json.object() : arguments));
        if (json.length() <= SqlDialect.MAX_TEXT_CHARS) {
            return json;
        }
        return Json.write(truncated(json, SqlDialect.MAX_TEXT_CHARS - 1024));
    }

    /** The result as stored (null when there is none): redacted JSON, truncated above 64 KiB. */
    String result(JsonNode result) {
        if (result == null || result.isNull() || result.isMissingNode()) {
            return null;
        }
        String json = Json.write(redactor.redact(result));
        return json.length() <= MAX_RESULT_CHARS ? json : Json.write(truncated(json, MAX_RESULT_CHARS));
    }

    String redactText(String text) {
        return redactor.redactText(text);
    }

    /** The marker stored instead of a value too large to keep whole. */
    private static JsonNode truncated(String json, int keep) {
        ObjectNode marker = Json.object();
        marker.put("tollgateTruncated", true);
        marker.put("originalChars", json.length());
        marker.put("preview", json.substring(0, keep));
        return marker;
    }

    static String clip(String value, int max) {
        if (value == null) {
            return null;
        }
        return value.length() <= max ? value : value.substring(0, max);
    }
}
