package dev.tollgate.app;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tollgate.testing.McpTestServer;
import io.modelcontextprotocol.client.McpClient;
import io.modelcontextprotocol.client.McpSyncClient;
import io.modelcontextprotocol.client.transport.ServerParameters;
import io.modelcontextprotocol.client.transport.StdioClientTransport;
import io.modelcontextprotocol.json.McpJsonDefaults;
import io.modelcontextprotocol.spec.McpSchema;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A stdio-only MCP client (the SDK's) launching {@code tollgate stdio} and reaching an HTTP upstream through it. */
class StdioCommandTest {
    @TempDir
    Path dir;

    @Test
    void anSdkStdioClientListsAndCallsGovernedToolsThroughTollgateStdio() throws Exception {
        try (McpTestServer crm =
                McpTestServer.builder().tools("echo", "add", "charge").start()) {
            Path file = dir.resolve("tollgate.yaml");
            Files.writeString(
                    file,
                    "audit: { url: \"jdbc:h2:file:"
                            + dir.resolve("audit").toString().replace('\\', '/')
                            + "\" }\n"
                            + "servers:\n  crm: { url: \"" + crm.url() + "\" }\n"
                            + "agents:\n  desk: { keys: [\"desk-key\"], roles: [desk] }\n"
                            + "roles:\n  desk: { allow: [\"crm.*\"], deny: [\"crm.charge\"] }\n");
            List<String> command =
                    TollgateProcess.command("stdio", "--config", file.toString(), "--agent-key-env", "DESK_KEY");
            ServerParameters params = ServerParameters.builder(command.get(0))
                    .args(command.subList(1, command.size()))
                    .addEnvVar("DESK_KEY", "desk-key")
                    .build();
            McpSyncClient client = McpClient.sync(new StdioClientTransport(params, McpJsonDefaults.getMapper()))
                    .requestTimeout(Duration.ofSeconds(60))
                    .initializationTimeout(Duration.ofSeconds(60))
                    .build();
            try {
                client.initialize();

                List<String> names = client.listTools().tools().stream()
                        .map(McpSchema.Tool::name)
                        .toList();
                McpSchema.CallToolResult sum =
                        client.callTool(new McpSchema.CallToolRequest("crm__add", Map.of("a", 20, "b", 22)));
                McpSchema.CallToolResult denied =
                        client.callTool(new McpSchema.CallToolRequest("crm__charge", Map.of("amount", 1)));

                assertThat(names).containsExactlyInAnyOrder("crm__echo", "crm__add");
                assertThat(((McpSchema.TextContent) sum.content().get(0)).text())
                        .isEqualTo("42");
                assertThat(denied.isError()).isTrue();
                assertThat(((McpSchema.TextContent) denied.content().get(0)).text())
                        .contains("crm.charge");
                assertThat(crm.chargeCount()).isZero();
            } finally {
                client.closeGracefully();
            }
        }
    }

    @Test
    void aMissingKeyVariableIsAUsageErrorWithExitCode2() throws Exception {
        Path file = dir.resolve("tollgate.yaml");
        Files.writeString(file, "agents:\n  desk: { keys: [\"desk-key\"], roles: [desk] }\n");

        try (TollgateProcess tollgate = TollgateProcess.start(
                Map.of(), "stdio", "--config", file.toString(), "--agent-key-env", "TOLLGATE_TEST_UNSET_KEY")) {
            assertThat(tollgate.waitFor(60)).isEqualTo(2);
            assertThat(tollgate.stderr()).contains("TOLLGATE_TEST_UNSET_KEY is not set");
            assertThat(tollgate.readLine(5)).isNull();
        }
    }
}
