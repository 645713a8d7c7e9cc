package dev.tollgate.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.tollgate.audit.AuditQuery;
import dev.tollgate.audit.AuditRecord;
import dev.tollgate.json.Json;
import dev.tollgate.testing.NpmPeers;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;

/**
 * The Python SDK ({@code mcp} 2.3.0 from pip, in a venv this test makes under {@code target/}) on both sides of
 * Tollgate: one Python server that serves both eras, configured twice (pinned to the 2025 era as {@code py25}, to
 * 2026-07-28 as {@code py26}), and a Python client in each era. Every pair calls a tool, answers an elicitation
 * round and a sampling round, and reads a resource. Skipped, saying why, where pip cannot install the SDK (CI
 * machines reach Maven Central, Debian and npm only).
 */
class PythonInteropTest {
    private static final Path VENV = Path.of("target/python-mcp-2.3.0").toAbsolutePath();
    private static final Path SCRIPTS = Path.of("src/test/resources/python").toAbsolutePath();

    @TempDir
    Path dir;

    private final List<Process> processes = new ArrayList<>();
    private TollgateEngine engine;

    /** Why the Python SDK is not available here, when it is not. */
    private static Optional<String> unavailable = Optional.empty();

    @BeforeAll
    static void venv() throws Exception {
        Path python = VENV.resolve("bin/python");
        if (Files.isExecutable(python) && run(List.of(python.toString(), "-c", "import mcp, httpx2")) == 0) {
            return;
        }
        Path log = Files.createTempFile("tollgate-venv", ".log");
        if (run(List.of("python3", "-m", "venv", "--clear", VENV.toString()), log) != 0) {
            unavailable =
                    Optional.of("python3 -m venv failed, so the Python SDK cannot be installed: " + lastLine(log));
            return;
        }
        int pip = run(
                List.of(
                        python.toString(),
                        "-m",
                        "pip",
                        "install",
                        "--quiet",
                        "--retries",
                        "0",
                        "--timeout",
                        "15",
                        "mcp==2.3.0"),
                log);
        if (pip != 0) {
            unavailable =
                    Optional.of("pip could not install mcp==2.3.0 (no package index here has it): " + lastLine(log));
        }
    }

    private static int run(List<String> command) throws Exception {
        return run(command, Files.createTempFile("tollgate-venv", ".log"));
    }

    private static int run(List<String> command, Path log) throws Exception {
        try {
            Process process = new ProcessBuilder(command)
                    .redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()))
                    .start();
            if (!process.waitFor(10, TimeUnit.MINUTES)) {
                process.destroyForcibly();
                return -1;
            }
            return process.exitValue();
        } catch (IOException e) {
            Files.writeString(log, String.valueOf(e.getMessage()));
            return -1;
        }
    }

    private static String lastLine(Path log) {
        try {
            List<String> lines =
                    Files.readAllLines(log).stream().filter(l -> !l.isBlank()).toList();
            return lines.isEmpty() ? "(no output)" : lines.get(lines.size() - 1).strip();
        } catch (IOException e) {
            return "(no output)";
        }
    }

    @BeforeEach
    void start() {
        Assumptions.assumeTrue(unavailable.isEmpty(), () -> unavailable.orElseThrow());
        int port = NpmPeers.freePort();
        ProcessBuilder builder = new ProcessBuilder(
                        VENV.resolve("bin/python").toString(),
                        SCRIPTS.resolve("era_server.py").toString(),
                        Integer.toString(port))
                .redirectErrorStream(true)
                .redirectOutput(dir.resolve("py-server.log").toFile());
        try {
            processes.add(builder.start());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        await().atMost(Duration.ofSeconds(30)).until(() -> listening(port));
        String url = "http://127.0.0.1:" + port + "/mcp";
        String config = "listen: 127.0.0.1:0\n"
                + "audit:\n  url: \"jdbc:h2:file:"
                + dir.resolve("audit").toString().replace('\\', '/') + "\"\n"
                + "servers:\n"
                + "  py25: { url: \"" + url + "\", protocol: 2025-11-25 }\n"
                + "  py26: { url: \"" + url + "\", protocol: 2026-07-28 }\n"
                + "agents:\n"
                + "  modern-agent: { keys: [\"modern-key\"], roles: [user] }\n"
                + "  legacy-agent: { keys: [\"legacy-key\"], roles: [user] }\n"
                + "roles:\n"
                + "  user: { allow: [\"py25.*\", \"py26.*\"] }\n";
        engine = TollgateEngine.start(EngineConfigs.write(dir, config));
        await().atMost(Duration.ofSeconds(30))
                .until(() ->
                        engine.upstreams().stream().allMatch(u -> u.state().equals("connected") && u.toolCount() == 3));
    }

    @AfterEach
    void stop() {
        if (engine != null) {
            engine.close();
        }
        processes.forEach(Process::destroy);
    }

    private static boolean listening(int port) {
        try (Socket ignored = new Socket("127.0.0.1", port)) {
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    private JsonNode client(String era, String key) throws Exception {
        List<String> command = new ArrayList<>(List.of(
                VENV.resolve("bin/python").toString(),
                SCRIPTS.resolve("era_client.py").toString(),
                era,
                engine.endpoint().orElseThrow().toString(),
                key));
        for (String server : List.of("py25", "py26")) {
            command.addAll(List.of("--call", server + "__greet", "{\"who\":\"" + era + "\"}"));
            command.addAll(List.of("--call", server + "__ask", "{}"));
            command.addAll(List.of("--call", server + "__sample", "{}"));
            command.addAll(List.of("--read", "tollgate://" + server + "/note://py"));
        }
        Path log = dir.resolve(era + "-client.log");
        Process process =
                new ProcessBuilder(command).redirectError(log.toFile()).start();
        processes.add(process);
        String out = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(process.waitFor(120, TimeUnit.SECONDS)).isTrue();
        assertThat(process.exitValue()).as(Files.readString(log)).isZero();
        return Json.parse(out.strip());
    }

    @Test
    void pythonClientsOfBothErasReachPythonServersOfBothErasWithTheirQuestions() throws Exception {
        for (String era : List.of("modern", "legacy")) {
            JsonNode seen = client(era, era + "-key");
            JsonNode calls = seen.path("calls");
            assertThat(Json.write(calls)).as(era).doesNotContain("\"isError\":true");
            for (String server : List.of("py25", "py26")) {
                String pair = era + " client -> " + server;
                assertThat(calls.path(server + "__greet").path("text").asString())
                        .as(pair)
                        .isEqualTo("hello " + era + " from py");
                assertThat(calls.path(server + "__ask").path("text").asString())
                        .as(pair)
                        .isEqualTo("asked Ada " + era);
                assertThat(calls.path(server + "__sample").path("text").asString())
                        .as(pair)
                        .isEqualTo("sampled: sampled for " + era);
                assertThat(seen.path("reads")
                                .path("tollgate://" + server + "/note://py")
                                .asString())
                        .as(pair)
                        .isEqualTo("the note of py");
            }
            assertThat(seen.path("asked").size()).as(era).isEqualTo(4);
        }
        await().atMost(Duration.ofSeconds(10))
                .until(() -> engine.audit().query(AuditQuery.all()).stream()
                        .allMatch(r -> r.status().equals("success")));
        List<AuditRecord> records = engine.audit().query(AuditQuery.all());
        for (String agent : List.of("modern-agent", "legacy-agent")) {
            for (String server : List.of("py25", "py26")) {
                for (String tool : List.of("ask", "sample")) {
                    String method = tool.equals("ask") ? "elicitation/create" : "sampling/createMessage";
                    assertThat(records)
                            .as(agent + " " + server + "." + tool)
                            .filteredOn(r -> r.agentId().equals(agent)
                                    && r.qualifiedTool().equals(server + "." + tool))
                            .singleElement()
                            .satisfies(r -> assertThat(Json.write(r.result()
                                            .orElseThrow()
                                            .path("_meta")
                                            .path("tollgate/rounds")))
                                    .isEqualTo("[{\"round\":1,\"method\":\"" + method + "\"}]"));
                }
            }
        }
    }
}
