package dev.tollgate.upstream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.tollgate.json.Json;
import dev.tollgate.testing.NpmPeers;
import java.io.IOException;
import java.net.Socket;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import okhttp3.OkHttpClient;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.node.ObjectNode;

/**
 * A 2026-07-28 upstream (the TypeScript SDK v2 on Node, which closes idle keep-alive connections after 5 s):
 * a call after a longer pause is sent again on a fresh connection instead of failing on the closed one.
 */
class ModernUpstreamKeepAliveTest {
    private static final Path SCRIPTS = Path.of("src/test/node").toAbsolutePath();

    @TempDir
    Path dir;

    private Process node;
    private final OkHttpClient client = UpstreamHttpClients.defaultClient();

    @AfterEach
    void stop() {
        if (node != null) {
            node.destroy();
        }
        client.dispatcher().executorService().shutdown();
        client.connectionPool().evictAll();
    }

    private static boolean listening(int port) {
        try (Socket ignored = new Socket("127.0.0.1", port)) {
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    private static String greet(ModernHttpUpstreamConnection connection, String who) throws UpstreamException {
        ObjectNode params = Json.object();
        params.put("name", "greet");
        params.set("arguments", Json.MAPPER.valueToTree(Map.of("who", who)));
        return connection
                .request("tools/call", params, RequestOptions.of(Duration.ofSeconds(10)))
                .result()
                .orElseThrow()
                .path("content")
                .get(0)
                .path("text")
                .asString();
    }

    @Test
    void aCallAfterNodesKeepAliveTimeoutSucceeds() throws Exception {
        int port = NpmPeers.freePort();
        ProcessBuilder builder = new ProcessBuilder(
                        NpmPeers.nodeCommand(SCRIPTS.resolve("era-server.mjs"), "modern", "modern"))
                .redirectErrorStream(true)
                .redirectOutput(dir.resolve("server.log").toFile());
        builder.environment().put("PORT", Integer.toString(port));
        builder.environment().put("MCP_PEERS", NpmPeers.root().toString());
        node = builder.start();
        await().atMost(Duration.ofSeconds(30)).until(() -> listening(port));

        ModernHttpUpstreamConnection connection = ModernHttpUpstreamConnection.discover(
                        UpstreamTestConfigs.http("modern", "http://127.0.0.1:" + port + "/mcp"), client)
                .orElseThrow();
        assertThat(greet(connection, "before")).isEqualTo("hello before from modern");
        // Past Node's 5 s keep-alive timeout, before OkHttp would check an idle connection itself (10 s).
        Thread.sleep(7_000);
        assertThat(greet(connection, "after")).isEqualTo("hello after from modern");
        connection.close();
    }
}
