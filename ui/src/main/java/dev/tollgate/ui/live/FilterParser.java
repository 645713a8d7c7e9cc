package dev.tollgate.ui.live;

import dev.tollgate.policy.Glob;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Parses the timeline's filter language:
 * {@code agent:billing tool:payments.* decision:blocked status:error latency>500ms user:ann "some text"}.
 * Terms are ANDed; values may use {@code *} globs; a bare or quoted word searches every field.
 */
public final class FilterParser {
    private static final Set<String> DECISIONS = Set.of("allowed", "blocked");
    private static final Set<String> STATUSES = Set.of("success", "error", "timeout");
    private static final Pattern LATENCY = Pattern.compile("latency(>=|<=|>|<)(\\d+(?:\\.\\d+)?)(ms|s)?");

    private FilterParser() {}

    public static CallFilter parse(String text) throws FilterSyntaxException {
        Optional<Glob> agent = Optional.empty();
        Optional<Glob> user = Optional.empty();
        Optional<Glob> tool = Optional.empty();
        Optional<Glob> session = Optional.empty();
        Optional<Glob> conversation = Optional.empty();
        Optional<String> decision = Optional.empty();
        Optional<String> status = Optional.empty();
        Optional<Double> min = Optional.empty();
        Optional<Double> max = Optional.empty();
        List<String> words = new ArrayList<>();

        for (Token token : tokenize(text)) {
            if (token.quoted()) {
                words.add(token.text());
                continue;
            }
            String t = token.text();
            Matcher latency = LATENCY.matcher(t.toLowerCase(Locale.ROOT));
            if (latency.matches()) {
                double ms = Double.parseDouble(latency.group(2)) * ("s".equals(latency.group(3)) ? 1000 : 1);
                switch (latency.group(1)) {
                    case ">" -> min = Optional.of(ms);
                    case ">=" -> min = Optional.of(ms - 1e-9);
                    case "<" -> max = Optional.of(ms);
                    default -> max = Optional.of(ms + 1e-9);
                }
                continue;
            }
            if (t.toLowerCase(Locale.ROOT).startsWith("latency")) {
                throw new FilterSyntaxException(token.start(), "latency needs a comparison like latency>500ms or latency<2s");
            }
            int colon = t.indexOf(':');
            if (colon < 0) {
                words.add(t);
                continue;
            }
            String key = t.substring(0, colon).toLowerCase(Locale.ROOT);
            String value = t.substring(colon + 1);
            if (value.isEmpty()) {
                throw new FilterSyntaxException(token.start() + colon + 1, key + ": needs a value");
            }
            switch (key) {
                case "agent" -> agent = Optional.of(Glob.of(value));
                case "user" -> user = Optional.of(Glob.of(value));
                case "tool" -> tool = Optional.of(Glob.of(value));
                case "server" -> tool = Optional.of(Glob.of(value + ".*"));
                case "session" -> session = Optional.of(Glob.of(value));
                case "conversation", "conv" -> conversation = Optional.of(Glob.of(value));
                case "decision" -> decision = Optional.of(oneOf(token, colon, value, DECISIONS, "decision"));
                case "status" -> status = Optional.of(oneOf(token, colon, value, STATUSES, "status"));
                default -> throw new FilterSyntaxException(token.start(), "unknown field '" + key
                        + "' (use agent, user, tool, server, session, conversation, decision, status, latency)");
            }
        }
        return new CallFilter(agent, user, tool, session, conversation, decision, status, min, max, words);
    }

    private static String oneOf(Token token, int colon, String value, Set<String> allowed, String key)
            throws FilterSyntaxException {
        String v = value.toLowerCase(Locale.ROOT);
        if (!allowed.contains(v)) {
            throw new FilterSyntaxException(token.start() + colon + 1,
                    key + " must be one of " + String.join(", ", allowed.stream().sorted().toList()) + ", not '" + value + "'");
        }
        return v;
    }

    private record Token(String text, int start, boolean quoted) {}

    private static List<Token> tokenize(String text) throws FilterSyntaxException {
        List<Token> tokens = new ArrayList<>();
        int i = 0;
        int n = text.length();
        while (i < n) {
            char c = text.charAt(i);
            if (Character.isWhitespace(c)) {
                i++;
            } else if (c == '"') {
                int end = text.indexOf('"', i + 1);
                if (end < 0) {
                    throw new FilterSyntaxException(i, "unterminated quote");
                }
                if (end > i + 1) {
                    tokens.add(new Token(text.substring(i + 1, end), i, true));
                }
                i = end + 1;
            } else {
                int start = i;
                StringBuilder sb = new StringBuilder();
                while (i < n && !Character.isWhitespace(text.charAt(i))) {
                    if (text.charAt(i) == '"') {
                        int end = text.indexOf('"', i + 1);
                        if (end < 0) {
                            throw new FilterSyntaxException(i, "unterminated quote");
                        }
                        sb.append(text, i + 1, end);
                        i = end + 1;
                    } else {
                        sb.append(text.charAt(i++));
                    }
                }
                tokens.add(new Token(sb.toString(), start, false));
            }
        }
        return tokens;
    }
}
