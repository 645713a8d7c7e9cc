package dev.tollgate.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.tollgate.audit.AuditQuery;
import dev.tollgate.audit.AuditRecord;
import dev.tollgate.config.ConfigLoader;
import dev.tollgate.json.Json;
import dev.tollgate.testing.NodePeer;
import dev.tollgate.testing.NpmPeers;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;

/**
 * The current TypeScript SDK (v2) on both sides of one Tollgate: a server that speaks only 2026-07-28 and one
 * that speaks only the 2025 era behind it, a client pinned to 2026-07-28 and a 2025 client in front. All four
 * pairs call a tool and read a resource, and the same policy blocks the same tool for both clients.
 */
class ErasInteropTest {
    private static final Path SCRIPTS = Path.of("src/test/node").toAbsolutePath();

    @TempDir
    Path dir;

    private final List<Process> processes = new ArrayList<>();
    private final List<NodePeer> servers = new ArrayList<>();
    private TollgateEngine engine;

    @BeforeEach
    void start() {
        String modernUrl = server("modern");
        String legacyUrl = server("legacy");
        String config = "listen: 127.0.0.1:0\n"
                + "audit:\n  url: \"jdbc:h2:file:"
                + dir.resolve("audit").toString().replace('\\', '/') + "\"\n"
                + "servers:\n"
                + "  modern: { url: \"" + modernUrl + "\" }\n"
                + "  legacy: { url: \"" + legacyUrl + "\" }\n"
                + "agents:\n"
                + "  modern-agent: { keys: [\"modern-key\"], roles: [reader] }\n"
                + "  legacy-agent: { keys: [\"legacy-key\"], roles: [reader] }\n"
                + "roles:\n"
                + "  reader:\n"
                + "    allow: [\"*.greet\"]\n"
                + "    deny: [\"*.secret\"]\n";
        Path file = dir.resolve("tollgate.yaml");
        try {
            Files.writeString(file, config);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        engine = TollgateEngine.start(new ConfigLoader().load(file));
        await().atMost(Duration.ofSeconds(30))
                .until(() -> engine.upstreams().stream()
                                .mapToInt(UpstreamStatus::toolCount)
                                .sum()
                        == 6);
    }

    @AfterEach
    void stop() {
        if (engine != null) {
            engine.close();
        }
        processes.forEach(Process::destroy);
        servers.forEach(NodePeer::close);
    }

    private String server(String era) {
        NodePeer server = NodePeer.start(
                NpmPeers.nodeCommand(SCRIPTS.resolve("era-server.mjs"), era, era),
                Map.of(),
                dir.resolve(era + "-server.log"));
        servers.add(server);
        return server.url();
    }

    /** Runs the SDK client of one era against Tollgate and returns what it printed. */
    private JsonNode client(String era, String key) throws Exception {
        List<String> command = NpmPeers.nodeCommand(
                SCRIPTS.resolve("era-client.mjs"),
                era,
                engine.endpoint().orElseThrow().toString(),
                key,
                "--tool",
                "modern__greet",
                "--tool",
                "legacy__greet",
                "--tool",
                "modern__secret",
                "--tool",
                "legacy__secret",
                "--read",
                "tollgate://modern/note://modern",
                "--read",
                "tollgate://legacy/note://legacy");
        Path log = dir.resolve(era + "-client.log");
        ProcessBuilder builder = new ProcessBuilder(command).redirectError(log.toFile());
        builder.environment().put("MCP_PEERS", NpmPeers.root().toString());
        Process process = builder.start();
        processes.add(process);
        String out = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(process.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(process.exitValue()).as(Files.readString(log)).isZero();
        return Json.parse(out.strip());
    }

    @Test
    void bothClientErasReachBothServerErasUnderTheSamePolicyAndAudit() throws Exception {
        for (String era : List.of("modern", "legacy")) {
            JsonNode seen = client(era, era + "-key");
            assertThat(Json.write(seen.path("listed")))
                    .contains("modern__greet", "legacy__greet")
                    .doesNotContain("secret");
            for (String server : List.of("modern", "legacy")) {
                JsonNode greet = seen.path("tools").path(server + "__greet");
                assertThat(greet.path("isError").asBoolean())
                        .as(era + " -> " + server)
                        .isFalse();
                assertThat(greet.path("text").asString()).isEqualTo("hello " + era + " from " + server);
                JsonNode secret = seen.path("tools").path(server + "__secret");
                assertThat(secret.path("isError").asBoolean())
                        .as(era + " -> " + server)
                        .isTrue();
                assertThat(secret.path("text").asString()).contains("*.secret");
                assertThat(seen.path("reads")
                                .path("tollgate://" + server + "/note://" + server)
                                .asString())
                        .isEqualTo("the note of " + server);
            }
        }
        await().atMost(Duration.ofSeconds(10))
                .until(() -> engine.audit().query(AuditQuery.all()).size() == 8);
        List<AuditRecord> records = engine.audit().query(AuditQuery.all());
        for (String agent : List.of("modern-agent", "legacy-agent")) {
            for (String server : List.of("modern", "legacy")) {
                assertThat(records)
                        .filteredOn(r ->
                                r.agentId().equals(agent) && r.qualifiedTool().equals(server + ".greet"))
                        .singleElement()
                        .satisfies(r -> assertThat(r.decision()).isEqualTo("allowed"));
                assertThat(records)
                        .filteredOn(r ->
                                r.agentId().equals(agent) && r.qualifiedTool().equals(server + ".secret"))
                        .singleElement()
                        .satisfies(r -> {
                            assertThat(r.decision()).isEqualTo("blocked");
                            assertThat(r.rule()).contains("*.secret");
                        });
            }
        }
    }
}
