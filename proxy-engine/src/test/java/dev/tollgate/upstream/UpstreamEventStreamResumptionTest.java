package dev.tollgate.upstream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.tollgate.engine.TollgateEngine;
import dev.tollgate.engine.UpstreamStatus;
import dev.tollgate.testing.AgentClient;
import dev.tollgate.testing.NodePeer;
import dev.tollgate.testing.NpmPeers;
import dev.tollgate.testing.OneAgentEngine;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * An upstream (TypeScript SDK v1 with an event store) that closes the session's GET stream and announces a new
 * tool while it is closed: Tollgate opens the stream again with {@code Last-Event-ID}, the upstream replays the
 * announcement, and agents see the new tool.
 */
class UpstreamEventStreamResumptionTest {
    private static final String KEY = "stream-key";

    @TempDir
    Path dir;

    private NodePeer upstream;
    private TollgateEngine engine;

    @BeforeEach
    void start() throws IOException {
        upstream = NodePeer.start(
                NpmPeers.nodeCommand(
                        Path.of("src/test/node/resumable-server.mjs").toAbsolutePath()),
                Map.of(),
                dir.resolve("resumable-server.log"));
        engine = OneAgentEngine.start(dir, KEY, Map.of("res", upstream.url()), "res.*");
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
        upstream.close();
    }

    @Test
    void aToolAnnouncedWhileTheGetStreamWasClosedReachesAgentsAfterResuming() {
        try (AgentClient agent =
                AgentClient.connect(engine.endpoint().orElseThrow().toString(), KEY)) {
            assertThat(agent.toolNames()).containsExactly("res__drop_stream");

            assertThat(AgentClient.text(agent.call("res__drop_stream", Map.of())))
                    .isEqualTo("dropped");

            await().atMost(Duration.ofSeconds(20)).until(() -> agent.toolNames().contains("res__added"));
        }
    }
}
