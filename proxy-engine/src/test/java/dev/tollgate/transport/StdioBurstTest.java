package dev.tollgate.transport;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tollgate.config.ConfigLoader;
import dev.tollgate.engine.TollgateEngine;
import dev.tollgate.identity.Authenticator;
import dev.tollgate.identity.Credentials;
import dev.tollgate.json.Json;
import dev.tollgate.testing.McpTestServer;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.nio.channels.Channels;
import java.nio.channels.Pipe;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;

/**
 * Requests piped in one write right behind {@code initialize}, as a shell pipe delivers them, through a real OS
 * pipe (a {@code cat} process between the test and Tollgate's stdin): every request gets its answer, whether
 * the input stays open or ends right after the burst.
 */
class StdioBurstTest {
    private static final String BURST = RawMcp.initialize("2025-06-18") + "\n"
            + "{\"jsonrpc\":\"2.0\",\"method\":\"notifications/initialized\"}\n"
            + RawMcp.request(2, "tools/list", "{}") + "\n"
            + RawMcp.request(3, "tools/call", "{\"name\":\"crm__echo\",\"arguments\":{\"text\":\"three\"}}") + "\n"
            + RawMcp.request(4, "ping", "{}") + "\n"
            + RawMcp.request(5, "tools/call", "{\"name\":\"crm__echo\",\"arguments\":{\"text\":\"five\"}}") + "\n";

    @TempDir
    Path dir;

    private McpTestServer crm;
    private TollgateEngine engine;
    private Process cat;
    private BufferedReader fromTollgate;
    private CompletableFuture<Void> serving;

    @BeforeEach
    void start() throws Exception {
        crm = McpTestServer.builder().tools("echo").start();
        Path config = dir.resolve("tollgate.yaml");
        Files.writeString(
                config,
                "audit: { url: \"jdbc:h2:file:"
                        + dir.resolve("audit").toString().replace('\\', '/')
                        + "\" }\nservers:\n  crm: { url: \"" + crm.url() + "\" }\n"
                        + "agents:\n  desk: { keys: [\"desk-key\"], roles: [desk] }\nroles:\n  desk: { allow: [\"crm.*\"] }\n");
        engine = TollgateEngine.startWithoutHttp(new ConfigLoader().load(config));
        Credentials credentials = Credentials.bearer("desk-key");
        Authenticator.AuthResult auth = engine.authenticator().authenticate(credentials);
        cat = new ProcessBuilder("cat").start();
        Pipe out = Pipe.open();
        fromTollgate = new BufferedReader(
                new InputStreamReader(Channels.newInputStream(out.source()), StandardCharsets.UTF_8));
        StdioTransport transport = new StdioTransport(
                engine.gateway(),
                engine.sessions(),
                ((Authenticator.AuthResult.Authenticated) auth).identity(),
                credentials,
                cat.getInputStream(),
                Channels.newOutputStream(out.sink()));
        serving = CompletableFuture.runAsync(transport::run);
    }

    @AfterEach
    void stop() throws Exception {
        cat.destroy();
        serving.get(30, TimeUnit.SECONDS);
        engine.close();
        crm.close();
    }

    private void writeBurst() throws Exception {
        OutputStream toCat = cat.getOutputStream();
        toCat.write(BURST.getBytes(StandardCharsets.UTF_8));
        toCat.flush();
    }

    private List<JsonNode> answers(int count) throws Exception {
        return CompletableFuture.supplyAsync(() -> {
                    List<JsonNode> lines = new ArrayList<>();
                    try {
                        while (lines.size() < count) {
                            String line = fromTollgate.readLine();
                            if (line == null) {
                                break;
                            }
                            JsonNode message = Json.parse(line);
                            if (message.has("id")) {
                                lines.add(message);
                            }
                        }
                    } catch (java.io.IOException e) {
                        throw new IllegalStateException(e);
                    }
                    return lines;
                })
                .get(30, TimeUnit.SECONDS);
    }

    private static void assertEveryAnswer(List<JsonNode> answers) {
        assertThat(answers).extracting(a -> a.path("id").asInt()).containsExactlyInAnyOrder(1, 2, 3, 4, 5);
        assertThat(answers)
                .allSatisfy(a -> assertThat(a.has("error")).as(a.toString()).isFalse());
        assertThat(answers)
                .filteredOn(a -> a.path("id").asInt() == 5)
                .first()
                .satisfies(a -> assertThat(a.path("result")
                                .path("content")
                                .get(0)
                                .path("text")
                                .asString())
                        .isEqualTo("five"));
    }

    @Test
    void aBurstBehindInitializeIsAnsweredWhileTheInputStaysOpen() throws Exception {
        writeBurst();
        assertEveryAnswer(answers(5));
    }

    @Test
    void aBurstBehindInitializeIsAnsweredWhenTheInputEndsRightAfterIt() throws Exception {
        writeBurst();
        cat.getOutputStream().close();
        assertEveryAnswer(answers(5));
    }
}
