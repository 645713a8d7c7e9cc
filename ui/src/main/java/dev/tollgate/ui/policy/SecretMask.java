package dev.tollgate.ui.policy;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Hides secrets while a configuration is on screen: the values of agent keys, tokens, passwords, client
 * secrets and Authorization headers become {@code «secret-N»}, and {@link #unmask} puts them back before the
 * text is checked, previewed or saved. Values that only name an environment variable ({@code ${env:…}}) are
 * not secrets and stay visible.
 */
final class SecretMask {
    private static final Pattern KEY =
            Pattern.compile("(?i)\\b(keys|key|token|apiKey|secret|clientSecret|password|authorization)\\s*:\\s*");
    private static final Pattern TOKEN = Pattern.compile("«secret-\\d+»");

    private final Map<String, String> secrets = new LinkedHashMap<>();

    /** The text with every secret value replaced by a placeholder this mask remembers. */
    String mask(String text) {
        StringBuilder out = new StringBuilder();
        Matcher key = KEY.matcher(text);
        int done = 0;
        while (key.find(done)) {
            int start = key.end();
            out.append(text, done, start);
            if (start < text.length() && text.charAt(start) == '[') {
                int end = text.indexOf(']', start);
                end = end < 0 ? text.length() : end;
                out.append('[');
                String[] items = text.substring(start + 1, end).split(",", -1);
                for (int i = 0; i < items.length; i++) {
                    out.append(i == 0 ? "" : ",").append(scalar(items[i]));
                }
                done = end;
            } else {
                int end = start;
                while (end < text.length() && "\n,}#".indexOf(text.charAt(end)) < 0) {
                    end++;
                }
                out.append(scalar(text.substring(start, end)));
                done = end;
            }
        }
        out.append(text.substring(done));
        return out.toString();
    }

    /** The text with every placeholder this mask made replaced by its secret again. */
    String unmask(String text) {
        Matcher m = TOKEN.matcher(text);
        StringBuilder out = new StringBuilder();
        while (m.find()) {
            m.appendReplacement(out, Matcher.quoteReplacement(secrets.getOrDefault(m.group(), m.group())));
        }
        m.appendTail(out);
        return out.toString();
    }

    /** One value, with its surrounding spaces and quotes kept. */
    private String scalar(String raw) {
        String trimmed = raw.strip();
        int lead = raw.indexOf(trimmed.isEmpty() ? raw : trimmed);
        String quote = !trimmed.isEmpty() && (trimmed.charAt(0) == '"' || trimmed.charAt(0) == '\'')
                ? trimmed.substring(0, 1)
                : "";
        String value = quote.isEmpty()
                ? trimmed
                : trimmed.substring(
                        1, trimmed.endsWith(quote) && trimmed.length() > 1 ? trimmed.length() - 1 : trimmed.length());
        if (value.isEmpty() || value.contains("${env:") || TOKEN.matcher(value).matches()) {
            return raw;
        }
        String token = secrets.entrySet().stream()
                .filter(e -> e.getValue().equals(value))
                .map(Map.Entry::getKey)
                .findFirst()
                .orElseGet(() -> {
                    String fresh = "«secret-" + (secrets.size() + 1) + "»";
                    secrets.put(fresh, value);
                    return fresh;
                });
        return raw.substring(0, lead) + quote + token + quote + raw.substring(lead + trimmed.length());
    }
}
