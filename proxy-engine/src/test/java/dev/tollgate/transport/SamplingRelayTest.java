package dev.tollgate.transport;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.tollgate.config.ConfigLoader;
import dev.tollgate.engine.TollgateEngine;
import io.modelcontextprotocol.client.McpClient;
import io.modelcontextprotocol.client.McpSyncClient;
import io.modelcontextprotocol.client.transport.HttpClientStreamableHttpTransport;
import io.modelcontextprotocol.json.McpJsonDefaults;
import io.modelcontextprotocol.server.McpServer;
import io.modelcontextprotocol.server.McpServerFeatures;
import io.modelcontextprotocol.server.McpSyncServer;
import io.modelcontextprotocol.server.transport.HttpServletStreamableServerTransportProvider;
import io.modelcontextprotocol.spec.McpSchema;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.eclipse.jetty.ee10.servlet.ServletContextHandler;
import org.eclipse.jetty.ee10.servlet.ServletHolder;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * An upstream tool that asks the client to sample an LLM mid-call: Tollgate relays the request to the agent
 * under its own id and routes the agent's answer back, so the tool completes with what the agent said.
 */
class SamplingRelayTest {
    @TempDir
    Path dir;

    private Server upstream;
    private McpSyncServer mcpServer;
    private TollgateEngine engine;
    private final List<String> upstreamSaw = new CopyOnWriteArrayList<>();

    @BeforeEach
    void start() throws Exception {
        HttpServletStreamableServerTransportProvider transport = HttpServletStreamableServerTransportProvider.builder()
                .jsonMapper(McpJsonDefaults.getMapper())
                .mcpEndpoint("/mcp")
                .build();
        McpSchema.Tool ask = McpSchema.Tool.builder()
                .name("ask")
                .description("Asks the client's model a question.")
                .inputSchema(new McpSchema.JsonSchema("object", Map.of(), List.of(), null, null, null))
                .build();
        McpSchema.Tool chatty = McpSchema.Tool.builder()
                .name("chatty")
                .description("Logs at two levels, then answers.")
                .inputSchema(new McpSchema.JsonSchema("object", Map.of(), List.of(), null, null, null))
                .build();
        mcpServer = McpServer.sync(transport)
                .serverInfo("oracle", "1.0.0")
                .capabilities(McpSchema.ServerCapabilities.builder()
                        .tools(true)
                        .logging()
                        .build())
                .tools(new McpServerFeatures.SyncToolSpecification(chatty, (exchange, request) -> {
                    exchange.loggingNotification(McpSchema.LoggingMessageNotification.builder()
                            .level(McpSchema.LoggingLevel.INFO)
                            .logger("db")
                            .data("routine detail")
                            .build());
                    exchange.loggingNotification(McpSchema.LoggingMessageNotification.builder()
                            .level(McpSchema.LoggingLevel.ERROR)
                            .logger("db")
                            .data("disk almost full")
                            .build());
                    return McpSchema.CallToolResult.builder()
                            .addTextContent("logged")
                            .isError(false)
                            .build();
                }))
                .tools(new McpServerFeatures.SyncToolSpecification(ask, (exchange, request) -> {
                    McpSchema.CreateMessageResult answer =
                            exchange.createMessage(McpSchema.CreateMessageRequest.builder()
                                    .messages(List.of(new McpSchema.SamplingMessage(
                                            McpSchema.Role.USER,
                                            new McpSchema.TextContent("What is six times seven?"))))
                                    .maxTokens(20)
                                    .build());
                    String text = ((McpSchema.TextContent) answer.content()).text();
                    upstreamSaw.add(text);
                    return McpSchema.CallToolResult.builder()
                            .addTextContent("the model said " + text)
                            .isError(false)
                            .build();
                }))
                .build();
        upstream = new Server();
        ServerConnector connector = new ServerConnector(upstream);
        connector.setHost("127.0.0.1");
        upstream.addConnector(connector);
        ServletContextHandler context = new ServletContextHandler();
        ServletHolder holder = new ServletHolder(transport);
        holder.setAsyncSupported(true);
        context.addServlet(holder, "/mcp");
        upstream.setHandler(context);
        upstream.start();
        Path config = dir.resolve("tollgate.yaml");
        Files.writeString(
                config,
                "listen: 127.0.0.1:0\n"
                        + "audit: { url: \"jdbc:h2:file:"
                        + dir.resolve("audit").toString().replace('\\', '/') + "\" }\n"
                        + "servers:\n  oracle: { url: \"http://127.0.0.1:" + connector.getLocalPort() + "/mcp\" }\n"
                        + "agents:\n  thinker: { keys: [\"thinker-key\"], roles: [r] }\n"
                        + "roles:\n  r: { allow: [\"oracle.*\"] }\n");
        engine = TollgateEngine.start(new ConfigLoader().load(config));
    }

    @AfterEach
    void stop() throws Exception {
        engine.close();
        mcpServer.close();
        upstream.stop();
    }

    @Test
    void aSamplingRequestFromTheUpstreamIsAnsweredByTheAgentThroughTollgate() {
        URI endpoint = engine.endpoint().orElseThrow();
        List<McpSchema.CreateMessageRequest> asked = new CopyOnWriteArrayList<>();
        HttpClientStreamableHttpTransport transport = HttpClientStreamableHttpTransport.builder(
                        "http://" + endpoint.getAuthority())
                .endpoint(endpoint.getPath())
                .httpRequestCustomizer((request, method, target, body, context) ->
                        request.header("Authorization", "Bearer thinker-key"))
                .build();
        McpSyncClient agent = McpClient.sync(transport)
                .requestTimeout(Duration.ofSeconds(30))
                .capabilities(McpSchema.ClientCapabilities.builder().sampling().build())
                .sampling(request -> {
                    asked.add(request);
                    return McpSchema.CreateMessageResult.builder()
                            .role(McpSchema.Role.ASSISTANT)
                            .content(new McpSchema.TextContent("42"))
                            .model("test-model")
                            .build();
                })
                .build();
        try {
            agent.initialize();

            McpSchema.CallToolResult result = agent.callTool(new McpSchema.CallToolRequest("oracle__ask", Map.of()));

            assertThat(((McpSchema.TextContent) result.content().get(0)).text()).isEqualTo("the model said 42");
            assertThat(asked).hasSize(1);
            assertThat(((McpSchema.TextContent) asked.get(0).messages().get(0).content()).text())
                    .isEqualTo("What is six times seven?");
            assertThat(upstreamSaw).containsExactly("42");
        } finally {
            agent.closeGracefully();
        }
    }

    @Test
    void upstreamLogsDuringACallReachTheAgentAtItsLevelNamedByServer() {
        URI endpoint = engine.endpoint().orElseThrow();
        List<McpSchema.LoggingMessageNotification> logs = new CopyOnWriteArrayList<>();
        HttpClientStreamableHttpTransport transport = HttpClientStreamableHttpTransport.builder(
                        "http://" + endpoint.getAuthority())
                .endpoint(endpoint.getPath())
                .httpRequestCustomizer((request, method, target, body, context) ->
                        request.header("Authorization", "Bearer thinker-key"))
                .build();
        McpSyncClient agent = McpClient.sync(transport)
                .requestTimeout(Duration.ofSeconds(30))
                .loggingConsumer(logs::add)
                .build();
        try {
            agent.initialize();
            agent.setLoggingLevel(McpSchema.LoggingLevel.WARNING);

            McpSchema.CallToolResult result = agent.callTool(new McpSchema.CallToolRequest("oracle__chatty", Map.of()));

            assertThat(((McpSchema.TextContent) result.content().get(0)).text()).isEqualTo("logged");
            await().atMost(Duration.ofSeconds(10)).until(() -> !logs.isEmpty());
            assertThat(logs).hasSize(1);
            assertThat(logs.get(0).level()).isEqualTo(McpSchema.LoggingLevel.ERROR);
            assertThat(logs.get(0).logger()).isEqualTo("oracle/db");
            assertThat(logs.get(0).data()).isEqualTo("disk almost full");
        } finally {
            agent.closeGracefully();
        }
    }
}
