package dev.tollgate.transport;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tollgate.engine.TollgateEngine;
import dev.tollgate.json.Json;
import dev.tollgate.testing.McpTestServer;
import dev.tollgate.testing.OneAgentEngine;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;

/**
 * Transport-level refusals as an agent sees them from a real engine over loopback: 2025-era session and version
 * errors echo the request's id when the body has one, GET and DELETE naming 2026-07-28 are 405 as that revision
 * says, and a header mismatch reports the header's and the body's values.
 */
class TransportErrorsTest {
    private static final String KEY = "errors-key";
    private static final String MODERN = "2026-07-28";

    @TempDir
    Path dir;

    private McpTestServer crm;
    private TollgateEngine engine;
    private RawMcp mcp;

    @BeforeEach
    void start() {
        crm = McpTestServer.builder().tools("echo", "charge").start();
        engine = OneAgentEngine.start(dir, KEY, Map.of("crm", crm.url()));
        mcp = new RawMcp(engine.endpoint().orElseThrow());
    }

    @AfterEach
    void stop() {
        engine.close();
        crm.close();
    }

    private String openSession() {
        HttpResponse<String> response =
                mcp.post().key(KEY).body(RawMcp.initialize("2025-11-25")).send();
        assertThat(response.statusCode()).isEqualTo(200);
        return response.headers().firstValue("Mcp-Session-Id").orElseThrow();
    }

    private static JsonNode json(HttpResponse<String> response) {
        return Json.parse(response.body());
    }

    @Test
    void anUnknownSessionEchoesTheRequestIdWith404() {
        HttpResponse<String> response = mcp.post()
                .key(KEY)
                .session("no-such-session")
                .body(RawMcp.request(10, "tools/list", "{}"))
                .send();

        assertThat(response.statusCode()).isEqualTo(404);
        assertThat(json(response).path("id").asInt()).isEqualTo(10);
        assertThat(json(response).path("error").path("code").asInt()).isEqualTo(-32001);
    }

    @Test
    void aMissingSessionEchoesAStringIdWith400() {
        HttpResponse<String> response = mcp.post()
                .key(KEY)
                .body(RawMcp.request("req-7", "tools/list", "{}"))
                .send();

        assertThat(response.statusCode()).isEqualTo(400);
        assertThat(json(response).path("id").asString()).isEqualTo("req-7");
        assertThat(json(response).path("error").path("message").asString()).contains("Mcp-Session-Id");
    }

    @Test
    void anUnsupportedVersionHeaderEchoesTheRequestIdWith400() {
        String session = openSession();

        HttpResponse<String> response = mcp.post()
                .key(KEY)
                .session(session)
                .header("MCP-Protocol-Version", "1999-01-01")
                .body(RawMcp.request(10, "tools/list", "{}"))
                .send();

        assertThat(response.statusCode()).isEqualTo(400);
        assertThat(json(response).path("id").asInt()).isEqualTo(10);
        assertThat(json(response).path("error").path("message").asString()).contains("1999-01-01");
    }

    @Test
    void batchesAndNotificationsHaveNoSingleIdToEcho() {
        HttpResponse<String> batch = mcp.post()
                .key(KEY)
                .session("no-such-session")
                .body("[" + RawMcp.request(1, "ping", "{}") + "," + RawMcp.request(2, "ping", "{}") + "]")
                .send();
        HttpResponse<String> notification = mcp.post()
                .key(KEY)
                .body("{\"jsonrpc\":\"2.0\",\"method\":\"notifications/initialized\"}")
                .send();

        assertThat(batch.statusCode()).isEqualTo(404);
        assertThat(json(batch).path("id").isNull()).isTrue();
        assertThat(notification.statusCode()).isEqualTo(400);
        assertThat(json(notification).path("id").isNull()).isTrue();
    }

    @Test
    void getAndDeleteNamingTheStatelessRevisionAre405PointingAtPost() {
        HttpResponse<String> get =
                mcp.get().key(KEY).header("MCP-Protocol-Version", MODERN).send();
        HttpResponse<String> delete =
                mcp.delete().key(KEY).header("MCP-Protocol-Version", MODERN).send();

        assertThat(get.statusCode()).isEqualTo(405);
        assertThat(get.headers().firstValue("Allow")).contains("POST");
        assertThat(json(get).path("error").path("message").asString())
                .contains("subscriptions/listen")
                .doesNotContain("initialize");
        assertThat(delete.statusCode()).isEqualTo(405);
        assertThat(json(delete).path("error").path("message").asString()).doesNotContain("initialize");
    }

    @Test
    void aHeaderMismatchReportsTheHeadersAndTheBodysValues() {
        String body = "{\"jsonrpc\":\"2.0\",\"id\":5,\"method\":\"tools/call\",\"params\":{\"name\":\"crm__charge\","
                + "\"arguments\":{},\"_meta\":{\"io.modelcontextprotocol/protocolVersion\":\"" + MODERN + "\","
                + "\"io.modelcontextprotocol/clientCapabilities\":{}}}}";

        HttpResponse<String> response = mcp.post()
                .key(KEY)
                .header("MCP-Protocol-Version", MODERN)
                .header("Mcp-Method", "tools/call")
                .header("Mcp-Name", "crm__echo")
                .body(body)
                .send();

        assertThat(response.statusCode()).isEqualTo(400);
        JsonNode error = json(response).path("error");
        assertThat(json(response).path("id").asInt()).isEqualTo(5);
        assertThat(error.path("data").path("mismatch").path("header").asString())
                .isEqualTo("crm__echo");
        assertThat(error.path("data").path("mismatch").path("body").asString()).isEqualTo("crm__charge");
        assertThat(crm.chargeCount()).isZero();
    }
}
