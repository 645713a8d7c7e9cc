package dev.tollgate.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.tollgate.audit.AuditQuery;
import dev.tollgate.audit.AuditRecord;
import dev.tollgate.events.EngineEvent;
import dev.tollgate.testing.AgentClient;
import dev.tollgate.testing.EverythingServer;
import io.modelcontextprotocol.spec.McpSchema;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * An agent through a real Tollgate to the official server-everything (Node) over Streamable HTTP, while that
 * upstream closes idle connections, dies and comes back on the same port: Tollgate keeps serving without a restart.
 */
class UpstreamRecoveryTest {
    private static final String KEY = "agent-key-1";

    @TempDir
    Path dir;

    private EverythingServer everything;
    private TollgateEngine engine;
    private final List<EngineEvent.UpstreamStateChanged> states = new CopyOnWriteArrayList<>();
    private AutoCloseable subscription;

    @BeforeEach
    void start() {
        everything = EverythingServer.startOnFreePort();
        String config = "listen: 127.0.0.1:0\n"
                + "audit:\n  url: \"jdbc:h2:file:"
                + dir.resolve("audit").toString().replace('\\', '/') + "\"\n"
                + "servers:\n"
                + "  ev: { url: \"" + everything.url() + "\", reconnect: { initialDelay: 200ms, maxDelay: 2s } }\n"
                + "agents:\n"
                + "  agent: { keys: [\"" + KEY + "\"], roles: [user] }\n"
                + "roles:\n"
                + "  user: { allow: [\"ev.*\"] }\n";
        engine = TollgateEngine.start(EngineConfigs.write(dir, config));
        subscription = engine.events().subscribe(e -> {
            if (e instanceof EngineEvent.UpstreamStateChanged s && s.server().equals("ev")) {
                states.add(s);
            }
        });
    }

    @AfterEach
    void stop() throws Exception {
        subscription.close();
        engine.close();
        everything.close();
    }

    private AgentClient agent() {
        return AgentClient.connect(engine.endpoint().orElseThrow().toString(), KEY);
    }

    private static McpSchema.CallToolResult echo(AgentClient agent, String message) {
        return agent.call("ev__echo", Map.of("message", message));
    }

    private List<AuditRecord> records() {
        return engine.audit().query(AuditQuery.all());
    }

    @Test
    void aCallAfterTheUpstreamClosedItsIdleKeepAliveConnectionSucceeds() throws Exception {
        try (AgentClient agent = agent()) {
            assertThat(AgentClient.text(echo(agent, "before the pause"))).isEqualTo("Echo: before the pause");
            // Past Node's keep-alive timeout, before OkHttp would check an idle connection itself (10 s).
            Thread.sleep(EverythingServer.KEEP_ALIVE.plusSeconds(2).toMillis());
            McpSchema.CallToolResult after = echo(agent, "after the pause");
            assertThat(after.isError()).isNotEqualTo(Boolean.TRUE);
            assertThat(AgentClient.text(after)).isEqualTo("Echo: after the pause");
        }
        await().atMost(Duration.ofSeconds(10)).until(() -> records().size() == 2);
        assertThat(records()).extracting(AuditRecord::status).containsOnly("success");
        assertThat(states).extracting(EngineEvent.UpstreamStateChanged::state).doesNotContain("reconnecting", "down");
    }

    @Test
    void callsSucceedAgainOnceTheKilledUpstreamIsBackOnItsPort() {
        try (AgentClient agent = agent()) {
            assertThat(echo(agent, "one").isError()).isNotEqualTo(Boolean.TRUE);

            everything.kill();
            McpSchema.CallToolResult whileDown = echo(agent, "two");
            assertThat(whileDown.isError()).isTrue();
            assertThat(AgentClient.text(whileDown)).contains("ev").contains("retry in");
            await().atMost(Duration.ofSeconds(10))
                    .until(() -> states.stream().anyMatch(s -> s.state().equals("reconnecting")));
            assertThat(engine.upstreams())
                    .filteredOn(u -> u.server().equals("ev"))
                    .allSatisfy(u -> assertThat(u.state()).isIn("reconnecting", "down"));

            everything.start();
            await().atMost(Duration.ofSeconds(30))
                    .until(() -> states.get(states.size() - 1).state().equals("connected"));
            McpSchema.CallToolResult back = echo(agent, "three");
            assertThat(back.isError()).isNotEqualTo(Boolean.TRUE);
            assertThat(AgentClient.text(back)).isEqualTo("Echo: three");
        }
        assertThat(states)
                .extracting(EngineEvent.UpstreamStateChanged::state)
                .containsSubsequence("reconnecting", "connected");
        await().atMost(Duration.ofSeconds(10)).until(() -> records().size() == 3);
        assertThat(records()).extracting(AuditRecord::status).containsExactly("success", "error", "success");
    }

    @Test
    void aCallAfterAQuietRestartOfTheUpstreamStartsANewSessionThere() {
        try (AgentClient agent = agent()) {
            assertThat(echo(agent, "before").isError()).isNotEqualTo(Boolean.TRUE);
            // No call while it is down: the first one after the restart carries a session id the new process
            // never issued, which server-everything refuses with HTTP 400.
            everything.kill();
            everything.start();
            McpSchema.CallToolResult after = echo(agent, "after");
            assertThat(after.isError()).isNotEqualTo(Boolean.TRUE);
            assertThat(AgentClient.text(after)).isEqualTo("Echo: after");
        }
        await().atMost(Duration.ofSeconds(10)).until(() -> records().size() == 2);
        assertThat(records()).extracting(AuditRecord::status).containsOnly("success");
    }
}
