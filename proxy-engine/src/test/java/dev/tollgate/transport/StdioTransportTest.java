package dev.tollgate.transport;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.tollgate.audit.AuditQuery;
import dev.tollgate.audit.AuditRecord;
import dev.tollgate.config.ConfigLoader;
import dev.tollgate.engine.TollgateEngine;
import dev.tollgate.identity.Authenticator;
import dev.tollgate.identity.Credentials;
import dev.tollgate.json.Json;
import dev.tollgate.testing.McpTestServer;
import java.io.BufferedReader;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.nio.channels.Channels;
import java.nio.channels.Pipe;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;

/** The stdio agent transport over real pipes: line framing, errors, and identity re-checked after a reload. */
class StdioTransportTest {
    @TempDir
    Path dir;

    private McpTestServer crm;
    private TollgateEngine engine;
    private Path configFile;
    private OutputStream toTollgate;
    private BufferedReader fromTollgate;
    private CompletableFuture<Void> serving;

    private String config(String keys) {
        return "audit: { url: \"jdbc:h2:file:" + dir.resolve("audit").toString().replace('\\', '/') + "\" }\n"
                + "servers:\n  crm: { url: \"" + crm.url() + "\" }\n"
                + "agents:\n  desk: { keys: [" + keys + "], roles: [desk] }\n"
                + "roles:\n  desk: { allow: [\"crm.*\"] }\n";
    }

    @BeforeEach
    void start() throws Exception {
        crm = McpTestServer.builder().tools("echo").start();
        configFile = dir.resolve("tollgate.yaml");
        Files.writeString(configFile, config("\"desk-key\""));
        engine = TollgateEngine.startWithoutHttp(new ConfigLoader().load(configFile));
        Credentials credentials = Credentials.bearer("desk-key");
        Authenticator.AuthResult auth = engine.authenticator().authenticate(credentials);
        // NIO pipes, not PipedInputStream: that one fails reads once the thread that last wrote has ended,
        // and Tollgate writes from pool threads that come and go.
        Pipe in = Pipe.open();
        Pipe out = Pipe.open();
        InputStream stdin = Channels.newInputStream(in.source());
        toTollgate = Channels.newOutputStream(in.sink());
        InputStream stdout = Channels.newInputStream(out.source());
        OutputStream tollgateOut = Channels.newOutputStream(out.sink());
        fromTollgate = new BufferedReader(new InputStreamReader(stdout, StandardCharsets.UTF_8));
        StdioTransport transport = new StdioTransport(
                engine.gateway(),
                engine.sessions(),
                ((Authenticator.AuthResult.Authenticated) auth).identity(),
                credentials,
                stdin,
                tollgateOut);
        serving = CompletableFuture.runAsync(transport::run);
    }

    @AfterEach
    void stop() throws Exception {
        toTollgate.close();
        serving.get(20, TimeUnit.SECONDS);
        engine.close();
        crm.close();
    }

    private JsonNode exchange(String line) throws Exception {
        toTollgate.write((line + "\n").getBytes(StandardCharsets.UTF_8));
        toTollgate.flush();
        return CompletableFuture.supplyAsync(() -> {
                    try {
                        return Json.parse(fromTollgate.readLine());
                    } catch (java.io.IOException e) {
                        throw new IllegalStateException(e);
                    }
                })
                .get(20, TimeUnit.SECONDS);
    }

    private void initialize() throws Exception {
        JsonNode init = exchange(RawMcp.initialize("2025-06-18"));
        assertThat(init.path("result").path("protocolVersion").asString()).isEqualTo("2025-06-18");
        toTollgate.write(
                "{\"jsonrpc\":\"2.0\",\"method\":\"notifications/initialized\"}\n".getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void malformedLinesAndRequestsBeforeInitializeGetJsonRpcErrors() throws Exception {
        JsonNode parse = exchange("{not json");
        JsonNode early = exchange(RawMcp.request(1, "tools/list", "{}"));

        assertThat(parse.path("error").path("code").asInt()).isEqualTo(-32700);
        assertThat(early.path("error").path("code").asInt()).isEqualTo(-32600);
        assertThat(early.path("id").asInt()).isEqualTo(1);
    }

    @Test
    void toolsAreListedAndCalledOverStdio() throws Exception {
        initialize();

        JsonNode list = exchange(RawMcp.request(2, "tools/list", "{}"));
        JsonNode call = exchange(
                RawMcp.request(3, "tools/call", "{\"name\":\"crm__echo\",\"arguments\":{\"text\":\"piped\"}}"));

        assertThat(list.path("result").path("tools").get(0).path("name").asString())
                .isEqualTo("crm__echo");
        assertThat(call.path("id").asInt()).isEqualTo(3);
        assertThat(call.path("result").path("content").get(0).path("text").asString())
                .isEqualTo("piped");
    }

    @Test
    void aKeyRemovedByAReloadBlocksTheNextCallAsAuthenticationAndAuditsIt() throws Exception {
        initialize();

        Files.writeString(configFile, config("\"rotated-key\""));
        await().atMost(Duration.ofSeconds(20))
                .until(() -> engine.authenticator().authenticate(Credentials.bearer("desk-key"))
                        instanceof Authenticator.AuthResult.Refused);
        JsonNode call =
                exchange(RawMcp.request(4, "tools/call", "{\"name\":\"crm__echo\",\"arguments\":{\"text\":\"x\"}}"));
        JsonNode list = exchange(RawMcp.request(5, "tools/list", "{}"));

        assertThat(call.path("result").path("isError").asBoolean()).isTrue();
        assertThat(call.path("result").path("content").get(0).path("text").asString())
                .startsWith("authentication failed");
        assertThat(list.path("result").path("tools").size()).isZero();
        await().atMost(Duration.ofSeconds(10))
                .until(() -> !engine.audit().query(AuditQuery.all()).isEmpty());
        List<AuditRecord> records = engine.audit().query(AuditQuery.all());
        assertThat(records.get(0).decision()).isEqualTo("blocked");
        assertThat(records.get(0).rule()).isEqualTo("identity");
        assertThat(crm.receivedMethods()).doesNotContain("tools/call");
    }
}
