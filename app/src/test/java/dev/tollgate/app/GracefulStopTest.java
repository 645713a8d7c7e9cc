package dev.tollgate.app;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tollgate.audit.AuditQuery;
import dev.tollgate.audit.AuditStores;
import dev.tollgate.audit.JdbcAuditStore;
import dev.tollgate.testing.AgentClient;
import dev.tollgate.testing.McpTestServer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A real {@code tollgate serve} process stopped with a plain SIGTERM, as an operator or a service manager stops it:
 * it exits cleanly with every record in the database (nothing left for the next open to apply), logs no error,
 * leaves no H2 trace file behind, and the chain verifies.
 */
class GracefulStopTest {
    private static final int CALLS = 30;

    @TempDir
    Path dir;

    @Test
    void sigtermDrainsTheStoreAndStopsWithoutErrors() throws Exception {
        String url = "jdbc:h2:file:" + dir.resolve("audit").toString().replace('\\', '/');
        Path config = dir.resolve("tollgate.yaml");
        String stderr;
        try (McpTestServer crm = McpTestServer.builder().tools("echo").start()) {
            Files.writeString(
                    config,
                    "audit: { url: \"" + url + "\" }\n"
                            + "servers:\n  crm: { url: \"" + crm.url() + "\" }\n"
                            + "agents:\n  ops: { keys: [\"ops-key\"], roles: [ops] }\n"
                            + "roles:\n  ops: { allow: [\"crm.*\"] }\n");
            try (TollgateProcess tollgate =
                    TollgateProcess.start(Map.of(), "serve", "--config", config.toString(), "--port", "0")) {
                String endpoint = tollgate.readLine(60).substring("listening on ".length());
                try (AgentClient agent = AgentClient.connect(endpoint, "ops-key")) {
                    for (int i = 0; i < CALLS; i++) {
                        assertThat(AgentClient.text(agent.call("crm__echo", Map.of("text", "call-" + i))))
                                .isEqualTo("call-" + i);
                    }
                }
                tollgate.terminate();
                assertThat(tollgate.waitFor(120))
                        .as("serve's exit code after SIGTERM")
                        .isZero();
                stderr = tollgate.stderr();
            }
        }

        assertThat(stderr)
                .as("serve's log")
                .doesNotContain("ERROR")
                .doesNotContain("not in the database yet")
                .contains("compacted the audit store");
        try (Stream<Path> files = Files.list(dir)) {
            assertThat(files.map(p -> p.getFileName().toString()))
                    .as("files beside the store")
                    .noneMatch(name -> name.endsWith(".trace.db"));
        }
        try (TollgateProcess verify = TollgateProcess.start(Map.of(), "audit", "verify", "--db", url)) {
            assertThat(verify.waitFor(120)).as("audit verify's exit code").isZero();
            assertThat(verify.readLine(5)).contains("intact");
            assertThat(verify.stderr()).doesNotContain("journal entries");
        }
        try (JdbcAuditStore store = AuditStores.openExisting(url)) {
            assertThat(store.count(AuditQuery.builder().tool("crm.echo").build()))
                    .as("echo calls on record")
                    .isEqualTo(CALLS);
        }
    }
}
