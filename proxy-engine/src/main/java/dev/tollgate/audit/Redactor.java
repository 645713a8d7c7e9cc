package dev.tollgate.audit;

import dev.tollgate.json.Json;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;
import tools.jackson.databind.node.StringNode;

/**
 * Removes secrets from arguments and results before they are stored or shown: values under
 * sensitive keys (at any depth) and string values that look like bearer tokens, JWTs or API keys.
 */
public final class Redactor {
    public static final String MASK = "[REDACTED]";

    /** Key fragments that mark a value as secret; matched case-insensitively, ignoring '-' and '_'. */
    public static final List<String> DEFAULT_KEYS =
            List.of("password", "passwd", "token", "secret", "authorization", "apikey", "card", "cvv", "ssn");

    private static final Pattern BEARER = Pattern.compile("(?i)\\b(bearer|basic)\\s+[A-Za-z0-9._~+/=-]{8,}");
    private static final Pattern JWT = Pattern.compile("\\beyJ[A-Za-z0-9_-]{5,}\\.[A-Za-z0-9_-]{5,}\\.[A-Za-z0-9_-]*");
    private static final Pattern API_KEY = Pattern.compile(
            "\\b(?:sk|pk|rk)_(?:live|test)_[A-Za-z0-9]{8,}|\\bsk-[A-Za-z0-9_-]{16,}|\\bgh[pousr]_[A-Za-z0-9]{20,}"
                    + "|\\bxox[abpr]-[A-Za-z0-9-]{10,}|\\bAKIA[0-9A-Z]{16}\\b");

    private final List<String> keys;

    private Redactor(List<String> keys) {
        this.keys = List.copyOf(keys);
    }

    /** The built-in rules only. */
    public static Redactor defaults() {
        return withKeys(List.of());
    }

    /** The built-in rules plus the configuration's {@code audit.redact} keys. */
    public static Redactor withKeys(Collection<String> extraKeys) {
        List<String> all = new ArrayList<>(DEFAULT_KEYS);
        for (String key : extraKeys) {
            String normal = normalise(key);
            if (!normal.isEmpty() && !all.contains(normal)) {
                all.add(normal);
            }
        }
        return new Redactor(all);
    }

    public List<String> keys() {
        return keys;
    }

    public boolean isSensitiveKey(String key) {
        String normal = normalise(key);
        for (String fragment : keys) {
            if (normal.contains(fragment)) {
                return true;
            }
        }
        return false;
    }

    /** A redacted deep copy; the input is left untouched (the upstream still needs the real values). */
    public JsonNode redact(JsonNode node) {
        if (node == null) {
            return Json.MAPPER.nullNode();
        }
        if (node instanceof ObjectNode object) {
            ObjectNode copy = Json.object();
            for (Map.Entry<String, JsonNode> e : object.properties()) {
                copy.set(e.getKey(), isSensitiveKey(e.getKey()) ? StringNode.valueOf(MASK) : redact(e.getValue()));
            }
            return copy;
        }
        if (node instanceof ArrayNode array) {
            ArrayNode copy = Json.MAPPER.createArrayNode();
            for (JsonNode element : array) {
                copy.add(redact(element));
            }
            return copy;
        }
        if (node.isString()) {
            String text = node.asString();
            String clean = redactText(text);
            return clean.equals(text) ? node : StringNode.valueOf(clean);
        }
        return node;
    }

    /** Replaces token-shaped substrings of free text. */
    public String redactText(String text) {
        String out = replace(BEARER, text, m -> m.group(1) + " " + MASK);
        out = replace(JWT, out, m -> MASK);
        return replace(API_KEY, out, m -> MASK);
    }

    private static String replace(Pattern pattern, String text, Function<Matcher, String> with) {
        Matcher m = pattern.matcher(text);
        if (!m.find()) {
            return text;
        }
        StringBuilder out = new StringBuilder();
        do {
            m.appendReplacement(out, Matcher.quoteReplacement(with.apply(m)));
        } while (m.find());
        m.appendTail(out);
        return out.toString();
    }

    private static String normalise(String key) {
        return key.toLowerCase(Locale.ROOT).replace("-", "").replace("_", "").trim();
    }
}
