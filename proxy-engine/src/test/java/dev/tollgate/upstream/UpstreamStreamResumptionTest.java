package dev.tollgate.upstream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.tollgate.engine.TollgateEngine;
import dev.tollgate.engine.UpstreamStatus;
import dev.tollgate.testing.AgentClient;
import dev.tollgate.testing.NodePeer;
import dev.tollgate.testing.NpmPeers;
import dev.tollgate.testing.OneAgentEngine;
import io.modelcontextprotocol.spec.McpSchema;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * An upstream that closes a call's SSE stream after its priming event and sends the answer only to a client that
 * comes back with GET and {@code Last-Event-ID} (the conformance suite's reference server and its
 * {@code test_reconnection} tool, TypeScript SDK, retry 5 s): through Tollgate the agent gets the answer.
 */
class UpstreamStreamResumptionTest {
    private static final String KEY = "resume-key";

    @TempDir
    Path dir;

    private NodePeer reference;
    private TollgateEngine engine;

    @BeforeEach
    void start() throws IOException {
        Optional<Path> script = NpmPeers.conformanceServer();
        Assumptions.assumeTrue(script.isPresent(), "the conformance reference server is not reachable");
        reference = NodePeer.start(
                NpmPeers.nodeCommand(
                        NpmPeers.module("tsx", "dist/cli.mjs"), script.get().toString()),
                Map.of(),
                dir.resolve("reference-server.log"));
        engine = OneAgentEngine.start(dir, KEY, Map.of("ref", reference.url()), "ref.*");
        await().atMost(Duration.ofSeconds(30))
                .until(() -> engine.upstreams().stream()
                                .mapToInt(UpstreamStatus::toolCount)
                                .sum()
                        > 0);
    }

    @AfterEach
    void stop() {
        if (engine != null) {
            engine.close();
        }
        if (reference != null) {
            reference.close();
        }
    }

    @Test
    void aCallWhoseStreamTheUpstreamClosedEarlyIsAnsweredAfterResuming() {
        try (AgentClient agent =
                AgentClient.connect(engine.endpoint().orElseThrow().toString(), KEY)) {
            McpSchema.CallToolResult result = agent.call("ref__test_reconnection", Map.of());

            assertThat(result.isError()).isNotEqualTo(Boolean.TRUE);
            assertThat(AgentClient.text(result)).contains("Reconnection test completed");
        }
    }
}
