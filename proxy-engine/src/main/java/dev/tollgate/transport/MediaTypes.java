package dev.tollgate.transport;

import java.util.Locale;

/** The small part of HTTP content negotiation the MCP endpoint needs. */
final class MediaTypes {
    static final String JSON = "application/json";
    static final String EVENT_STREAM = "text/event-stream";

    private MediaTypes() {}

    /** Whether an Accept header admits the type, wildcards included; an absent header admits nothing. */
    static boolean accepts(String acceptHeader, String type) {
        if (acceptHeader == null) {
            return false;
        }
        String major = type.substring(0, type.indexOf('/'));
        for (String part : acceptHeader.split(",")) {
            String range = part.split(";")[0].trim().toLowerCase(Locale.ROOT);
            if (range.equals(type) || range.equals("*/*") || range.equals(major + "/*")) {
                if (!rejectedByQuality(part)) {
                    return true;
                }
            }
        }
        return false;
    }

    private static boolean rejectedByQuality(String part) {
        String[] params = part.split(";");
        for (int i = 1; i < params.length; i++) {
            String p = params[i].trim();
            if (p.startsWith("q=")) {
                try {
                    return Double.parseDouble(p.substring(2)) <= 0.0;
                } catch (NumberFormatException e) {
                    return false;
                }
            }
        }
        return false;
    }

    /** Whether a Content-Type header names JSON (parameters such as charset allowed). */
    static boolean isJson(String contentType) {
        return contentType != null
                && contentType.split(";")[0].trim().toLowerCase(Locale.ROOT).equals(JSON);
    }
}
