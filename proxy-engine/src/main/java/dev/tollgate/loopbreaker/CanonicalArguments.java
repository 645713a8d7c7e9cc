package dev.tollgate.loopbreaker;

import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import tools.jackson.databind.JsonNode;

/**
 * The identity of a call's arguments regardless of spelling: keys sorted, numbers normalised
 * ({@code 100}, {@code 100.0} and {@code 1e2} are the same), then hashed so the breaker holds little memory.
 */
public final class CanonicalArguments {
    private CanonicalArguments() {}

    /** A short digest equal for equal argument values. */
    public static String digest(JsonNode arguments) {
        StringBuilder out = new StringBuilder();
        write(arguments, out);
        try {
            byte[] hash =
                    MessageDigest.getInstance("SHA-256").digest(out.toString().getBytes(StandardCharsets.UTF_8));
            return Base64.getUrlEncoder().withoutPadding().encodeToString(hash);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is part of every Java runtime", e);
        }
    }

    /** The canonical text itself, for tests and diagnostics. */
    public static String canonical(JsonNode arguments) {
        StringBuilder out = new StringBuilder();
        write(arguments, out);
        return out.toString();
    }

    private static void write(JsonNode node, StringBuilder out) {
        if (node == null || node.isNull() || node.isMissingNode()) {
            out.append("null");
        } else if (node.isObject()) {
            List<Map.Entry<String, JsonNode>> entries = new ArrayList<>(node.properties());
            entries.sort(Map.Entry.comparingByKey());
            out.append('{');
            for (int i = 0; i < entries.size(); i++) {
                if (i > 0) {
                    out.append(',');
                }
                quote(entries.get(i).getKey(), out);
                out.append(':');
                write(entries.get(i).getValue(), out);
            }
            out.append('}');
        } else if (node.isArray()) {
            out.append('[');
            for (int i = 0; i < node.size(); i++) {
                if (i > 0) {
                    out.append(',');
                }
                write(node.get(i), out);
            }
            out.append(']');
        } else if (node.isNumber()) {
            BigDecimal n = node.decimalValue().stripTrailingZeros();
            out.append(n.signum() == 0 ? "0" : n.toPlainString());
        } else if (node.isString()) {
            quote(node.asString(), out);
        } else {
            out.append(node.asString());
        }
    }

    private static void quote(String s, StringBuilder out) {
        out.append('"');
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c == '"' || c == '\\') {
                out.append('\\');
            }
            out.append(c);
        }
        out.append('"');
    }
}
