package dev.tollgate.conformance;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import tools.jackson.databind.JsonNode;
import tools.jackson.dataformat.yaml.YAMLMapper;

/**
 * The reviewed list of conformance checks Tollgate is allowed to fail although the reference server passes them
 * directly: suite id, then {@code scenario} or {@code scenario/checkId}, then why.
 */
record ExpectedFailures(Map<String, Map<String, String>> bySuite) {
    static ExpectedFailures load() {
        try (InputStream in = ExpectedFailures.class.getResourceAsStream("/conformance/expected-failures.yaml")) {
            Map<String, Map<String, String>> out = new TreeMap<>();
            if (in == null) {
                return new ExpectedFailures(out);
            }
            JsonNode root = YAMLMapper.builder().build().readTree(in);
            if (root == null || !root.isObject()) {
                return new ExpectedFailures(out);
            }
            for (Map.Entry<String, JsonNode> suite : root.properties()) {
                Map<String, String> entries = new TreeMap<>();
                for (Map.Entry<String, JsonNode> e : suite.getValue().properties()) {
                    entries.put(e.getKey(), e.getValue().asString(""));
                }
                out.put(suite.getKey(), entries);
            }
            return new ExpectedFailures(out);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Why the check may fail through Tollgate, when it is on the list (by itself or by its whole scenario). */
    Optional<String> reason(String suite, String scenario, String check) {
        Map<String, String> entries = bySuite.getOrDefault(suite, Map.of());
        return Optional.ofNullable(entries.get(scenario + "/" + check))
                .or(() -> Optional.ofNullable(entries.get(scenario)));
    }

    /** The reasons listed for a scenario or any of its checks. */
    Optional<String> scenarioNote(String suite, String scenario) {
        return bySuite.getOrDefault(suite, Map.of()).entrySet().stream()
                .filter(e -> e.getKey().equals(scenario) || e.getKey().startsWith(scenario + "/"))
                .map(Map.Entry::getValue)
                .distinct()
                .reduce((a, b) -> a + "; " + b);
    }
}
