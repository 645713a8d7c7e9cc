package dev.tollgate.ui.live;

import dev.tollgate.policy.Glob;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneId;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Parses the timeline's filter language:
 * {@code agent:billing tool:payments.* decision:blocked status:error latency>500ms user:ann "some text"},
 * and time terms: {@code time>=2026-11-30T10:15:00Z time<2026-11-30T10:20} (without an offset, local time)
 * or {@code last:15m}. Terms are ANDed; values may use {@code *} globs; a bare or quoted word searches every field.
 */
public final class FilterParser {
    private static final Set<String> DECISIONS = Set.of("allowed", "blocked");
    private static final Set<String> STATUSES = Set.of("success", "error", "timeout");
    private static final Pattern LATENCY = Pattern.compile("latency(>=|<=|>|<)(\\d+(?:\\.\\d+)?)(ms|s)?");
    private static final Pattern TIME = Pattern.compile("time(>=|<=|>|<)(.+)");
    private static final Pattern LAST = Pattern.compile("(\\d+)(s|m|h|d)");

    private FilterParser() {}

    public static CallFilter parse(String text) throws FilterSyntaxException {
        return parse(text, Clock.systemUTC());
    }

    /** As {@link #parse(String)}; {@code last:15m} counts back from {@code clock}'s now. */
    public static CallFilter parse(String text, Clock clock) throws FilterSyntaxException {
        Optional<Glob> agent = Optional.empty();
        Optional<Glob> user = Optional.empty();
        Optional<Glob> tool = Optional.empty();
        Optional<Glob> session = Optional.empty();
        Optional<Glob> conversation = Optional.empty();
        Optional<String> decision = Optional.empty();
        Optional<String> status = Optional.empty();
        Optional<Double> min = Optional.empty();
        Optional<Double> max = Optional.empty();
        Optional<Instant> from = Optional.empty();
        Optional<Instant> to = Optional.empty();
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
            Matcher time = TIME.matcher(t);
            if (time.matches()) {
                Instant at = instant(token, time.group(2));
                switch (time.group(1)) {
                    case ">=" -> from = Optional.of(at);
                    case ">" -> from = Optional.of(at.plusNanos(1));
                    case "<" -> to = Optional.of(at);
                    default -> to = Optional.of(at.plusNanos(1));
                }
                continue;
            }
            if (t.toLowerCase(Locale.ROOT).startsWith("latency")) {
                throw new FilterSyntaxException(
                        token.start(), "latency needs a comparison like latency>500ms or latency<2s");
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
                case "last" -> from = Optional.of(clock.instant().minus(lookBack(token, colon, value)));
                default ->
                    throw new FilterSyntaxException(
                            token.start(),
                            "unknown field '" + key
                                    + "' (use agent, user, tool, server, session, conversation, decision, status, latency, time, last)");
            }
        }
        return new CallFilter(agent, user, tool, session, conversation, decision, status, min, max, from, to, words);
    }

    private static Instant instant(Token token, String text) throws FilterSyntaxException {
        try {
            return Instant.parse(text);
        } catch (DateTimeParseException notAnInstant) {
            try {
                return LocalDateTime.parse(text).atZone(ZoneId.systemDefault()).toInstant();
            } catch (DateTimeParseException e) {
                throw new FilterSyntaxException(
                        token.start(),
                        "time needs an ISO-8601 time like 2026-11-30T10:15:00Z" + " or 2026-11-30T10:15, not '" + text
                                + "'");
            }
        }
    }

    private static Duration lookBack(Token token, int colon, String value) throws FilterSyntaxException {
        Matcher m = LAST.matcher(value.toLowerCase(Locale.ROOT));
        if (!m.matches()) {
            throw new FilterSyntaxException(
                    token.start() + colon + 1, "last: needs a duration like 90s, 15m, 2h or 7d");
        }
        long n = Long.parseLong(m.group(1));
        return switch (m.group(2)) {
            case "s" -> Duration.ofSeconds(n);
            case "m" -> Duration.ofMinutes(n);
            case "h" -> Duration.ofHours(n);
            default -> Duration.ofDays(n);
        };
    }

    private static String oneOf(Token token, int colon, String value, Set<String> allowed, String key)
            throws FilterSyntaxException {
        String v = value.toLowerCase(Locale.ROOT);
        if (!allowed.contains(v)) {
            throw new FilterSyntaxException(
                    token.start() + colon + 1,
                    key + " must be one of "
                            + String.join(", ", allowed.stream().sorted().toList()) + ", not '" + value + "'");
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
