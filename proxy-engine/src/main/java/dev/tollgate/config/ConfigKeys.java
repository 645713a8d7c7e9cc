package dev.tollgate.config;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import tools.jackson.databind.JsonNode;

/**
 * Every configuration key Tollgate reads, as one tree: the single place to add a key (and then document
 * it in docs/). Any key not in this tree, at any depth, is a {@code file:line} problem, so a misspelt key
 * is reported instead of silently ignored.
 */
public final class ConfigKeys {
    /** A value this table does not look into: a scalar, or a mapping of names the user chooses (headers, env). */
    private static final Spec ANY = new Any();

    private static final Spec JWT_TRUST_KEYS =
            keys("issuer", "jwksUrl", "publicKey", "publicKeyFile", "audience", "algorithms", "clockSkew");

    private static final Spec RULE = keys("tool", "class", "when");

    private static final Spec LOOP_RULE = keys("maxRepeats", "window", "coolDown");

    /** The whole file: one top-level key per line, so additions from different changes merge cleanly. */
    static final Spec ROOT = keys(
            "listen",
            "audit",
            keys("url", "redact", "retention", "sync"),
            "toolNameSeparator",
            "callTimeout",
            "maxRequestBytes",
            "allowedOrigins",
            "allowedHosts",
            "listPageSize",
            "sessionIdleTimeout",
            "maxSessionsPerAgent",
            "maxSessions",
            "limitStore",
            "limitStoreFailure",
            "telemetry",
            keys("serviceName", "otlp", keys("endpoint", "headers"), "metrics", keys("listen")),
            "admin",
            keys("listen", "token"),
            "pinning",
            keys("mode", "file"),
            "approvals",
            keys("timeout"),
            "shadow",
            "auditServer",
            keys("roles"),
            "servers",
            named(keys(
                    "url",
                    "command",
                    "headers",
                    "env",
                    "timeout",
                    "protocol",
                    "namespace",
                    "circuit",
                    keys("failures", "coolDown"),
                    "reconnect",
                    keys("initialDelay", "maxDelay"),
                    "auth",
                    "oauth",
                    keys("issuer", "tokenUrl", "clientId", "clientSecret", "scopes", "resource", "userClaim"))),
            "agents",
            named(keys("keys", "roles")),
            "roles",
            named(keys(
                    "description",
                    "allow",
                    items(RULE),
                    "deny",
                    items(RULE),
                    "approve",
                    items(RULE),
                    "limits",
                    named(keys("rate", "burst")))),
            "limits",
            items(keys("name", "tool", "per", "rate", "burst")),
            "loopBreaker",
            keys("enabled", "maxRepeats", "window", "coolDown", "tools", named(LOOP_RULE)),
            "identity",
            keys(
                    "resource",
                    "jwt",
                    with(JWT_TRUST_KEYS, "agentClaim", "rolesClaim", "agents", named(keys("roles"))),
                    "userToken",
                    with(JWT_TRUST_KEYS, "header", "subjectClaim", "groupsClaim", "scopeClaim", "required"),
                    "oauth",
                    keys("callbackBase", "keyFile", "key", "storeFile", "refreshSkew")));

    private ConfigKeys() {}

    /** Every key of the configuration that Tollgate does not know, in file order. */
    public static List<ConfigException> unknownKeys(TollgateConfig config) {
        List<ConfigException> problems = new ArrayList<>();
        walk(ROOT, config.root(), "", "", config.sourceMap(), problems);
        problems.sort(Comparator.comparingInt(ConfigException::line));
        return problems;
    }

    private static void walk(
            Spec spec, JsonNode node, String pointer, String path, SourceMap lines, List<ConfigException> problems) {
        if (spec instanceof Keys k && node.isObject()) {
            for (Map.Entry<String, JsonNode> e : node.properties()) {
                String childPointer = pointer + "/" + escape(e.getKey());
                String childPath = path.isEmpty() ? e.getKey() : path + "." + e.getKey();
                Spec child = k.keys().get(e.getKey());
                if (child == null) {
                    problems.add(lines.error(childPointer, unknown(e.getKey(), path, k)));
                } else {
                    walk(child, e.getValue(), childPointer, childPath, lines, problems);
                }
            }
        } else if (spec instanceof Named n && node.isObject()) {
            for (Map.Entry<String, JsonNode> e : node.properties()) {
                walk(
                        n.each(),
                        e.getValue(),
                        pointer + "/" + escape(e.getKey()),
                        path + "." + e.getKey(),
                        lines,
                        problems);
            }
        } else if (spec instanceof Items i && node.isArray()) {
            for (int index = 0; index < node.size(); index++) {
                walk(i.each(), node.get(index), pointer + "/" + index, path + "[" + index + "]", lines, problems);
            }
        }
        // Anything else is a value this table does not look into, or a type problem the section's parser reports.
    }

    private static String unknown(String key, String path, Keys known) {
        String where = path.isEmpty() ? "at the top level" : "in " + path;
        String closest = null;
        int best = 3;
        for (String candidate : known.keys().keySet()) {
            int distance = distance(key.toLowerCase(Locale.ROOT), candidate.toLowerCase(Locale.ROOT));
            if (distance < best) {
                best = distance;
                closest = candidate;
            }
        }
        String hint = closest != null
                ? "did you mean '" + closest + "'?"
                : "expected one of "
                        + String.join(
                                ", ", known.keys().keySet().stream().sorted().toList());
        return "unknown key '" + key + "' " + where + " (" + hint + ")";
    }

    /** Levenshtein distance, for the "did you mean" hint. */
    private static int distance(String a, String b) {
        int[] previous = new int[b.length() + 1];
        int[] current = new int[b.length() + 1];
        for (int j = 0; j <= b.length(); j++) {
            previous[j] = j;
        }
        for (int i = 1; i <= a.length(); i++) {
            current[0] = i;
            for (int j = 1; j <= b.length(); j++) {
                int substitute = previous[j - 1] + (a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1);
                current[j] = Math.min(substitute, Math.min(previous[j] + 1, current[j - 1] + 1));
            }
            int[] swap = previous;
            previous = current;
            current = swap;
        }
        return previous[b.length()];
    }

    private static String escape(String key) {
        return key.replace("~", "~0").replace("/", "~1");
    }

    /** Keys, each optionally followed by the spec of its value (a key alone takes any value). */
    private static Spec keys(Object... keysAndSpecs) {
        return with(new Keys(Map.of()), keysAndSpecs);
    }

    private static Spec with(Spec base, Object... keysAndSpecs) {
        Map<String, Spec> out = new LinkedHashMap<>(((Keys) base).keys());
        for (int i = 0; i < keysAndSpecs.length; i++) {
            String key = (String) keysAndSpecs[i];
            if (i + 1 < keysAndSpecs.length && keysAndSpecs[i + 1] instanceof Spec spec) {
                out.put(key, spec);
                i++;
            } else {
                out.put(key, ANY);
            }
        }
        return new Keys(Map.copyOf(out));
    }

    private static Spec named(Spec each) {
        return new Named(each);
    }

    private static Spec items(Spec each) {
        return new Items(each);
    }

    /** What may appear at one place in the file. */
    sealed interface Spec permits Any, Keys, Named, Items {}

    private record Any() implements Spec {}

    /** A mapping with these keys only. */
    private record Keys(Map<String, Spec> keys) implements Spec {}

    /** A mapping of user-chosen names (servers, agents, roles) to values of one shape. */
    private record Named(Spec each) implements Spec {}

    /** A list whose mapping items have one shape (plain string items need no keys). */
    private record Items(Spec each) implements Spec {}
}
