package dev.tollgate.conformance;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.tollgate.config.ConfigLoader;
import dev.tollgate.engine.TollgateEngine;
import dev.tollgate.engine.UpstreamStatus;
import dev.tollgate.testing.NodePeer;
import dev.tollgate.testing.NpmPeers;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The official MCP conformance suite's server scenarios against its reference server, directly and through
 * Tollgate (one upstream with unchanged names, everything allowed): Tollgate may score below direct only where
 * {@code conformance/expected-failures.yaml} says so and why. The suite's own reports stay in
 * {@code target/conformance/}. Writes the table to
 * {@code target/conformance.md}, and to the file the {@code conformance.doc} system property names
 * ({@code docs/conformance.md} in the repository: see that file for the command).
 */
class ConformanceTest {
    private static final String KEY = "conformance-key";

    @TempDir
    Path dir;

    private final List<Process> processes = new ArrayList<>();
    private final List<NodePeer> servers = new ArrayList<>();
    private TollgateEngine engine;

    @AfterEach
    void stop() {
        if (engine != null) {
            engine.close();
        }
        processes.forEach(Process::destroy);
        servers.forEach(NodePeer::close);
    }

    private Process start(List<String> command, Map<String, String> environment, String log) {
        ProcessBuilder builder = new ProcessBuilder(command)
                .redirectErrorStream(true)
                .redirectOutput(dir.resolve(log).toFile());
        builder.environment().putAll(environment);
        try {
            Process process = builder.start();
            processes.add(process);
            return process;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private String referenceServer() {
        NodePeer server = NodePeer.start(
                NpmPeers.nodeCommand(
                        NpmPeers.module("tsx", "dist/cli.mjs"),
                        referenceServerScript().toString()),
                Map.of(),
                dir.resolve("reference-server.log"));
        servers.add(server);
        return server.url();
    }

    private String tollgate(String upstream) throws IOException {
        Path file = dir.resolve("tollgate.yaml");
        Files.writeString(
                file,
                "listen: 127.0.0.1:0\n"
                        + "audit:\n  url: \"jdbc:h2:file:"
                        + dir.resolve("audit").toString().replace('\\', '/') + "\"\n"
                        + "servers:\n  ev: { url: \"" + upstream + "\", namespace: false }\n"
                        + "agents:\n  conformance: { keys: [\"" + KEY + "\"], roles: [all] }\n"
                        + "roles:\n  all:\n    allow: [\"*\"]\n"
                        + "loopBreaker: { enabled: false }\n");
        engine = TollgateEngine.start(new ConfigLoader().load(file));
        await().atMost(Duration.ofSeconds(30))
                .until(() -> engine.upstreams().stream()
                                .mapToInt(UpstreamStatus::toolCount)
                                .sum()
                        > 0);
        NodePeer relay = NodePeer.start(
                NpmPeers.nodeCommand(Path.of("src/test/node/bearer-relay.mjs").toAbsolutePath()),
                Map.of("TARGET", engine.endpoint().orElseThrow().toString(), "BEARER", KEY),
                dir.resolve("relay.log"));
        servers.add(relay);
        return relay.url();
    }

    /** Runs one suite against one URL and returns the checks it recorded per scenario. */
    private ConformanceScores run(ConformanceScores.Suite suite, String url, String label) throws Exception {
        Path out = Path.of("target/conformance", label + "-" + suite.id());
        if (Files.exists(out)) {
            try (Stream<Path> files = Files.walk(out)) {
                files.sorted(Comparator.reverseOrder())
                        .forEach(path -> path.toFile().delete());
            }
        }
        List<String> args = new ArrayList<>(List.of("server", "--url", url, "-o", out.toString()));
        args.addAll(suite.arguments());
        Process cli = start(
                NpmPeers.nodeCommand(NpmPeers.module(suite.module(), "dist/index.js"), args.toArray(String[]::new)),
                Map.of(),
                label + "-" + suite.id() + ".log");
        assertThat(cli.waitFor(10, TimeUnit.MINUTES))
                .as("the %s suite finished", suite.id())
                .isTrue();
        return ConformanceScores.read(out);
    }

    @Test
    void throughTollgateScoresAsDirectOutsideTheReviewedExpectedFailures() throws Exception {
        String direct = referenceServer();
        Map<String, ConformanceScores> directScores = new LinkedHashMap<>();
        for (ConformanceScores.Suite suite : ConformanceScores.SUITES) {
            directScores.put(suite.id(), run(suite, direct, "direct"));
        }
        String through = tollgate(direct);
        ExpectedFailures expected = ExpectedFailures.load();
        List<ConformanceReport.Row> rows = new ArrayList<>();
        List<String> regressions = new ArrayList<>();
        for (ConformanceScores.Suite suite : ConformanceScores.SUITES) {
            ConformanceScores throughScores = run(suite, through, "tollgate");
            rows.addAll(ConformanceReport.rows(suite, directScores.get(suite.id()), throughScores, expected));
            regressions.addAll(
                    ConformanceReport.regressions(suite, directScores.get(suite.id()), throughScores, expected));
        }
        String table = ConformanceReport.markdown(rows);
        Files.writeString(Path.of("target/conformance.md"), table);
        String doc = System.getProperty("conformance.doc", "");
        if (!doc.isBlank()) {
            Files.writeString(Path.of(doc), table);
        }
        assertThat(regressions)
                .as("checks that pass directly but not through Tollgate, outside " + "expected-failures.yaml")
                .isEmpty();
    }

    /** The reference server from beside the repository; without it the suite has nothing to compare against. */
    private static Path referenceServerScript() {
        Optional<Path> script = NpmPeers.conformanceServer();
        Assumptions.assumeTrue(
                script.isPresent(),
                "the conformance reference server is not reachable: expected shared/peers/conformance-server beside"
                        + " the repository, or TOLLGATE_CONFORMANCE_SERVER");
        return script.orElseThrow();
    }
}
