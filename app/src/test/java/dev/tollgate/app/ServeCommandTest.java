package dev.tollgate.app;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tollgate.testing.AgentClient;
import dev.tollgate.testing.McpTestServer;
import io.modelcontextprotocol.spec.McpSchema;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ServeCommandTest {
    @TempDir
    Path dir;

    private Path config(String crmUrl) throws Exception {
        Path file = dir.resolve("tollgate.yaml");
        Files.writeString(
                file,
                "listen: 127.0.0.1:7070\n"
                        + "audit: { url: \"jdbc:h2:file:"
                        + dir.resolve("audit").toString().replace('\\', '/') + "\" }\n"
                        + "servers:\n  crm: { url: \"" + crmUrl + "\" }\n"
                        + "agents:\n  ops: { keys: [\"ops-key\"], roles: [ops] }\n"
                        + "roles:\n  ops: { allow: [\"crm.*\"] }\n");
        return file;
    }

    @Test
    void servePrintsExactlyTheListeningLineOnAFreePortAndServesAgentsUntilTerminated() throws Exception {
        try (McpTestServer crm = McpTestServer.builder().tools("echo").start();
                TollgateProcess tollgate = TollgateProcess.start(
                        Map.of(), "serve", "--config", config(crm.url()).toString(), "--port", "0", "--verbose")) {
            String line = tollgate.readLine(60);

            assertThat(line).matches("listening on http://127\\.0\\.0\\.1:\\d+/mcp");
            assertThat(line).doesNotContain(":7070/");
            String endpoint = line.substring("listening on ".length());
            try (AgentClient agent = AgentClient.connect(endpoint, "ops-key")) {
                McpSchema.CallToolResult echo = agent.call("crm__echo", Map.of("text", "served"));
                assertThat(AgentClient.text(echo)).isEqualTo("served");
            }
            tollgate.terminate();
            tollgate.waitFor(30);
            assertThat(tollgate.stderr()).contains("Tollgate shutting down").contains("jetty-12");
        }
    }

    @Test
    void serveLogsOnlyItsOwnLinesByDefaultAndWarnsAboutAnUndefinedRole() throws Exception {
        Path file = config("http://127.0.0.1:1/mcp");
        Files.writeString(file, Files.readString(file).replace("roles: [ops]", "roles: [ops, opps]"));
        try (TollgateProcess tollgate =
                TollgateProcess.start(Map.of(), "serve", "--config", file.toString(), "--port", "0")) {
            assertThat(tollgate.readLine(60)).startsWith("listening on ");
            tollgate.terminate();
            tollgate.waitFor(30);
            assertThat(tollgate.stderr())
                    .contains(file + ":6: warning: agent 'ops' has role 'opps'")
                    .contains("Tollgate shutting down")
                    .doesNotContain("jetty-12");
        }
    }

    @Test
    void aBadConfigurationIsReportedAsFileLineMessageWithExitCode1() throws Exception {
        Path file = dir.resolve("broken.yaml");
        Files.writeString(file, "listen: 127.0.0.1:7070\nservers:\n  crm: { timeout: 5s }\n");

        try (TollgateProcess tollgate = TollgateProcess.start(Map.of(), "serve", "--config", file.toString())) {
            assertThat(tollgate.waitFor(60)).isEqualTo(1);
            assertThat(tollgate.stderr()).contains(file + ":3: server 'crm' needs either url or command");
            assertThat(tollgate.readLine(5)).isNull();
        }
    }
}
