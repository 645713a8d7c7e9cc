package dev.tollgate.transport;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.tollgate.config.ConfigLoader;
import dev.tollgate.engine.TollgateEngine;
import dev.tollgate.json.Json;
import dev.tollgate.testing.AgentClient;
import dev.tollgate.testing.McpTestServer;
import io.modelcontextprotocol.spec.McpSchema;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;

/** Pagination, notifications both ways, cancellation, resources and prompts, through a real engine and upstream. */
class GatewayFeaturesTest {
    private static final String KEY = "ops-key";

    @TempDir
    Path dir;

    private McpTestServer crm;
    private TollgateEngine engine;
    private Path configFile;

    private String config(String deny) {
        return "listen: 127.0.0.1:0\n"
                + "listPageSize: 2\n"
                + "audit: { url: \"jdbc:h2:file:"
                + dir.resolve("audit").toString().replace('\\', '/') + "\" }\n"
                + "servers:\n  crm: { url: \"" + crm.url() + "\" }\n"
                + "agents:\n  ops: { keys: [\"" + KEY + "\"], roles: [ops] }\n"
                + "roles:\n  ops:\n    allow: [\"crm.*\"]\n    deny: [" + deny + "]\n";
    }

    @BeforeEach
    void start() throws Exception {
        crm = McpTestServer.builder()
                .tools("echo", "add", "slow", "progress", "fail")
                .start();
        configFile = dir.resolve("tollgate.yaml");
        Files.writeString(configFile, config("\"crm.fail\""));
        engine = TollgateEngine.start(new ConfigLoader().load(configFile));
    }

    @AfterEach
    void stop() {
        engine.close();
        crm.close();
    }

    private String endpoint() {
        return engine.endpoint().orElseThrow().toString();
    }

    private String openRawSession(RawMcp mcp) {
        HttpResponse<String> init =
                mcp.post().key(KEY).body(RawMcp.initialize("2025-06-18")).send();
        return init.headers().firstValue("Mcp-Session-Id").orElseThrow();
    }

    @Test
    void toolListsArePagedWithOpaqueCursorsAndABadCursorIsInvalidParams() {
        RawMcp mcp = new RawMcp(engine.endpoint().orElseThrow());
        String session = openRawSession(mcp);

        JsonNode first = Json.parse(mcp.post()
                        .key(KEY)
                        .session(session)
                        .body(RawMcp.request(1, "tools/list", "{}"))
                        .send()
                        .body())
                .path("result");
        String cursor = first.path("nextCursor").asString();
        JsonNode second = Json.parse(mcp.post()
                        .key(KEY)
                        .session(session)
                        .body(RawMcp.request(2, "tools/list", "{\"cursor\":\"" + cursor + "\"}"))
                        .send()
                        .body())
                .path("result");
        HttpResponse<String> bad = mcp.post()
                .key(KEY)
                .session(session)
                .body(RawMcp.request(3, "tools/list", "{\"cursor\":\"not-ours\"}"))
                .send();

        assertThat(first.path("tools").size()).isEqualTo(2);
        assertThat(cursor).isNotBlank().doesNotContain("2");
        assertThat(second.path("tools").size()).isEqualTo(2);
        assertThat(second.has("nextCursor")).isFalse();
        assertThat(Json.parse(bad.body()).path("error").path("code").asInt()).isEqualTo(-32602);
        try (AgentClient agent = AgentClient.connect(endpoint(), KEY)) {
            assertThat(agent.toolNames())
                    .containsExactlyInAnyOrder("crm__echo", "crm__add", "crm__slow", "crm__progress");
        }
    }

    @Test
    void progressFromTheUpstreamReachesTheAgentDuringTheCall() {
        List<McpSchema.ProgressNotification> progress = new CopyOnWriteArrayList<>();
        try (AgentClient agent = AgentClient.builder(endpoint())
                .bearer(KEY)
                .onProgress(progress::add)
                .connect()) {
            McpSchema.CallToolResult result = agent.mcp()
                    .callTool(McpSchema.CallToolRequest.builder()
                            .name("crm__progress")
                            .arguments(Map.of("steps", 3))
                            .progressToken("tok-1")
                            .build());

            assertThat(AgentClient.text(result)).isEqualTo("done 3 steps");
        }
        await().atMost(Duration.ofSeconds(10)).until(() -> progress.size() == 3);
        assertThat(progress).allSatisfy(p -> assertThat(p.progressToken()).isEqualTo("tok-1"));
    }

    @Test
    void anUpstreamToolListChangeIsReannouncedToTheAgent() {
        List<List<McpSchema.Tool>> announced = new CopyOnWriteArrayList<>();
        try (AgentClient agent = AgentClient.builder(endpoint())
                .bearer(KEY)
                .onToolsChanged(announced::add)
                .connect()) {
            assertThat(agent.toolNames()).doesNotContain("crm__echo2");

            crm.addEchoTool("echo2");

            await().atMost(Duration.ofSeconds(15))
                    .until(() -> !announced.isEmpty()
                            && announced.get(announced.size() - 1).stream()
                                    .anyMatch(t -> t.name().equals("crm__echo2")));
        }
    }

    @Test
    void aPolicyReloadThatHidesAToolTellsTheAgentAndBlocksTheCall() throws Exception {
        List<List<McpSchema.Tool>> announced = new CopyOnWriteArrayList<>();
        try (AgentClient agent = AgentClient.builder(endpoint())
                .bearer(KEY)
                .onToolsChanged(announced::add)
                .connect()) {
            assertThat(agent.toolNames()).contains("crm__echo");

            Files.writeString(configFile, config("\"crm.fail\", \"crm.echo\""));

            await().atMost(Duration.ofSeconds(20))
                    .until(() -> !announced.isEmpty()
                            && announced.get(announced.size() - 1).stream()
                                    .noneMatch(t -> t.name().equals("crm__echo")));
            McpSchema.CallToolResult result = agent.call("crm__echo", Map.of("text", "x"));
            assertThat(result.isError()).isTrue();
            assertThat(AgentClient.text(result)).contains("crm.echo");
        }
    }

    @Test
    void resourcesAndPromptsAreAggregatedUnderServerPrefixesAndRouteBack() {
        try (AgentClient agent = AgentClient.connect(endpoint(), KEY)) {
            List<McpSchema.Resource> resources = agent.mcp().listResources().resources();
            assertThat(resources).extracting(McpSchema.Resource::uri).containsExactly("tollgate://crm/test://readme");

            McpSchema.ReadResourceResult read =
                    agent.mcp().readResource(new McpSchema.ReadResourceRequest("tollgate://crm/test://readme"));
            McpSchema.TextResourceContents contents =
                    (McpSchema.TextResourceContents) read.contents().get(0);
            assertThat(contents.text()).isEqualTo("hello from the test server");
            assertThat(contents.uri()).isEqualTo("tollgate://crm/test://readme");

            assertThat(agent.mcp().listPrompts().prompts())
                    .extracting(McpSchema.Prompt::name)
                    .containsExactly("crm__greeting");
            McpSchema.GetPromptResult prompt =
                    agent.mcp().getPrompt(new McpSchema.GetPromptRequest("crm__greeting", Map.of("name", "Ada")));
            assertThat(((McpSchema.TextContent) prompt.messages().get(0).content()).text())
                    .contains("Ada");
        }
    }

    @Test
    void anUnknownResourceIsResourceNotFound() {
        RawMcp mcp = new RawMcp(engine.endpoint().orElseThrow());
        String session = openRawSession(mcp);

        HttpResponse<String> response = mcp.post()
                .key(KEY)
                .session(session)
                .body(RawMcp.request(3, "resources/read", "{\"uri\":\"tollgate://nowhere/x\"}"))
                .send();

        JsonNode answer = RawMcp.messages(response).get(0);
        assertThat(answer.path("error").path("code").asInt()).isEqualTo(-32002);
    }

    @Test
    void aCancelledCallIsNotAnsweredAndLoggingLevelIsAccepted() throws Exception {
        RawMcp mcp = new RawMcp(engine.endpoint().orElseThrow());
        String session = openRawSession(mcp);
        HttpResponse<String> level = mcp.post()
                .key(KEY)
                .session(session)
                .body(RawMcp.request(1, "logging/setLevel", "{\"level\":\"warning\"}"))
                .send();
        assertThat(Json.parse(level.body()).path("result").isObject()).isTrue();

        CompletableFuture<HttpResponse<String>> slow = CompletableFuture.supplyAsync(() -> mcp.post()
                .key(KEY)
                .session(session)
                .body(RawMcp.request("slow-1", "tools/call", "{\"name\":\"crm__slow\",\"arguments\":{\"ms\":3000}}"))
                .send());
        await().atMost(Duration.ofSeconds(10)).until(() -> crm.receivedMethods().contains("tools/call"));
        HttpResponse<String> cancel = mcp.post()
                .key(KEY)
                .session(session)
                .body(
                        "{\"jsonrpc\":\"2.0\",\"method\":\"notifications/cancelled\",\"params\":{\"requestId\":\"slow-1\"}}")
                .send();

        assertThat(cancel.statusCode()).isEqualTo(202);
        HttpResponse<String> answered = slow.get(20, TimeUnit.SECONDS);
        assertThat(answered.statusCode()).isEqualTo(200);
        assertThat(RawMcp.messages(answered)).isEmpty();
    }
}
