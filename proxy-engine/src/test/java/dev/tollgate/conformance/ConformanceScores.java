package dev.tollgate.conformance;

import dev.tollgate.json.Json;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;
import tools.jackson.databind.JsonNode;

/** The checks one conformance run recorded, per scenario, read from the suite's {@code -o} output folder. */
record ConformanceScores(Map<String, List<Check>> scenarios) {
    /** One check of a scenario as the suite reported it (SUCCESS, FAILURE, WARNING, SKIPPED, INFO). */
    record Check(String id, String status) {
        boolean passed() {
            return status.equals("SUCCESS");
        }

        boolean failed() {
            return status.equals("FAILURE");
        }
    }

    /** One pinned release of the suite and the scenarios it is asked for. */
    record Suite(String id, String title, String module, List<String> arguments) {}

    /** 0.1.16 for the 2025 era (all its server scenarios, SSE resumption included), 0.2.0-alpha.12 for what 2026-07-28 requires. */
    static final List<Suite> SUITES = List.of(
            new Suite(
                    "2025-11-25",
                    "conformance 0.1.16, all server scenarios (2025 era; `--suite all` adds the pending"
                            + " json-schema-2020-12 and server-sse-polling)",
                    "conformance-2025",
                    List.of("--suite", "all")),
            new Suite(
                    "2026-07-28",
                    "conformance 0.2.0-alpha.12, `--requirements 2026-07-28`",
                    "@modelcontextprotocol/conformance",
                    List.of("--requirements", "2026-07-28")));

    /** Output folders are named {@code server-SCENARIO-TIMESTAMP} and hold a {@code checks.json}. */
    static ConformanceScores read(Path out) throws IOException {
        Map<String, List<Check>> scenarios = new TreeMap<>();
        try (Stream<Path> folders = Files.list(out)) {
            for (Path folder : folders.toList()) {
                Path checks = folder.resolve("checks.json");
                if (!Files.exists(checks)) {
                    continue;
                }
                String scenario = folder.getFileName()
                        .toString()
                        .replaceFirst("^server-", "")
                        .replaceFirst("-\\d{4}-\\d{2}-\\d{2}T.*$", "");
                List<Check> list = new ArrayList<>();
                for (JsonNode check : Json.parse(Files.readString(checks))) {
                    list.add(new Check(
                            check.path("id").asString(""), check.path("status").asString("")));
                }
                scenarios.put(scenario, list);
            }
        }
        return new ConformanceScores(scenarios);
    }

    long passed(String scenario) {
        return scenarios.getOrDefault(scenario, List.of()).stream()
                .filter(Check::passed)
                .count();
    }

    long scored(String scenario) {
        return scenarios.getOrDefault(scenario, List.of()).stream()
                .filter(c -> c.passed() || c.failed())
                .count();
    }

    /** How often each check id passed in a scenario (some checks run once per probe). */
    Map<String, Long> passedById(String scenario) {
        Map<String, Long> out = new TreeMap<>();
        for (Check check : scenarios.getOrDefault(scenario, List.of())) {
            if (check.passed()) {
                out.merge(check.id(), 1L, Long::sum);
            }
        }
        return out;
    }
}
