package dev.tollgate.testing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.modelcontextprotocol.client.McpClient;
import io.modelcontextprotocol.client.McpSyncClient;
import io.modelcontextprotocol.client.transport.ServerParameters;
import io.modelcontextprotocol.client.transport.StdioClientTransport;
import io.modelcontextprotocol.json.McpJsonDefaults;
import io.modelcontextprotocol.spec.McpSchema;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;

class McpTestServerTest {

    @Test
    void answersToolsResourcesAndPromptsOverStreamableHttp() {
        List<McpSchema.ProgressNotification> progress = new CopyOnWriteArrayList<>();
        try (McpTestServer upstream = McpTestServer.startDefault();
                AgentClient agent = AgentClient.builder(upstream.url())
                        .bearer("agent-key")
                        .onProgress(progress::add)
                        .connect()) {
            assertThat(agent.toolNames()).containsExactlyElementsOf(TestTools.ALL);
            McpSchema.Tool charge = agent.mcp().listTools().tools().stream()
                    .filter(t -> t.name().equals("charge"))
                    .findFirst()
                    .orElseThrow();
            assertThat(charge.annotations().destructiveHint()).isTrue();
            assertThat(charge.annotations().readOnlyHint()).isFalse();

            assertThat(AgentClient.text(agent.call("echo", Map.of("text", "hi"))))
                    .isEqualTo("hi");
            assertThat(AgentClient.text(agent.call("add", Map.of("a", 2, "b", 3))))
                    .isEqualTo("5");
            assertThat(AgentClient.text(agent.call("charge", Map.of("amount", 10))))
                    .isEqualTo("receipt-1 amount=10");
            assertThat(upstream.chargeCount()).isEqualTo(1);
            assertThat(agent.call("fail", Map.of()).isError()).isTrue();

            McpSchema.CallToolResult done = agent.mcp()
                    .callTool(McpSchema.CallToolRequest.builder("progress")
                            .arguments(Map.of("steps", 2))
                            .progressToken("tok-1")
                            .build());
            assertThat(AgentClient.text(done)).isEqualTo("done 2 steps");
            // The SDK client hands notifications to consumers asynchronously, so they may trail the result.
            await().atMost(Duration.ofSeconds(5))
                    .untilAsserted(() -> assertThat(progress)
                            .extracting(McpSchema.ProgressNotification::progress)
                            .containsExactlyInAnyOrder(1.0, 2.0));

            String whoami = AgentClient.text(agent.call("whoami", Map.of()));
            assertThat(whoami).contains("\"authorization\":\"Bearer agent-key\"");
            assertThat(upstream.receivedHeaders())
                    .allSatisfy(h -> assertThat(h).containsEntry("authorization", "Bearer agent-key"));
            assertThat(upstream.sessionIdsSeen()).hasSize(1);

            McpSchema.ReadResourceResult readme =
                    agent.mcp().readResource(new McpSchema.ReadResourceRequest(TestTools.RESOURCE_URI));
            assertThat(((McpSchema.TextResourceContents) readme.contents().get(0)).text())
                    .isEqualTo(TestTools.RESOURCE_TEXT);
            McpSchema.GetPromptResult prompt =
                    agent.mcp().getPrompt(new McpSchema.GetPromptRequest(TestTools.PROMPT_NAME, Map.of("name", "Ada")));
            assertThat(((McpSchema.TextContent) prompt.messages().get(0).content()).text())
                    .contains("Ada");
        }
    }

    @Test
    void statelessServerWithPrefixAndToolSubset() {
        try (McpTestServer upstream = McpTestServer.builder()
                        .stateless(true)
                        .prefix("pay_")
                        .tools("echo", "charge")
                        .start();
                AgentClient agent = AgentClient.connect(upstream.url(), "k")) {
            assertThat(agent.toolNames()).containsExactly("pay_echo", "pay_charge");
            assertThat(AgentClient.text(agent.call("pay_charge", Map.of("amount", 2.5))))
                    .isEqualTo("receipt-1 amount=2.5");
            assertThat(upstream.sessionIdsSeen()).isEmpty();
        }
    }

    @Test
    void aServerThatDoesNotRecordStillAnswersButKeepsNoRequests() {
        try (McpTestServer upstream = McpTestServer.builder()
                        .stateless(true)
                        .tools("echo")
                        .recordRequests(false)
                        .start();
                AgentClient agent = AgentClient.connect(upstream.url(), "k")) {
            assertThat(AgentClient.text(agent.call("echo", Map.of("text", "unrecorded"))))
                    .isEqualTo("unrecorded");
            assertThat(upstream.receivedRequests()).isEmpty();
        }
    }

    @Test
    void servesTheSameToolsOverStdio() {
        List<String> command = StdioTestServerMain.command("--prefix", "s_");
        ServerParameters params = ServerParameters.builder(command.get(0))
                .args(command.subList(1, command.size()))
                .env(Map.of("TEST_SECRET", "s3cret"))
                .build();
        McpSyncClient client = McpClient.sync(new StdioClientTransport(params, McpJsonDefaults.getMapper()))
                .requestTimeout(Duration.ofSeconds(20))
                .initializationTimeout(Duration.ofSeconds(20))
                .build();
        try {
            client.initialize();
            assertThat(client.listTools().tools())
                    .extracting(McpSchema.Tool::name)
                    .contains("s_echo", "s_charge", "s_whoami");
            assertThat(AgentClient.text(client.callTool(new McpSchema.CallToolRequest("s_echo", Map.of("text", "x")))))
                    .isEqualTo("x");
            String whoami = AgentClient.text(
                    client.callTool(new McpSchema.CallToolRequest("s_whoami", Map.of("env", List.of("TEST_SECRET")))));
            assertThat(whoami).contains("\"TEST_SECRET\":\"s3cret\"");
        } finally {
            client.closeGracefully();
        }
    }
}
