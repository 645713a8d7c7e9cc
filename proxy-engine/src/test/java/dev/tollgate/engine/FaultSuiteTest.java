package dev.tollgate.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.tollgate.audit.AuditQuery;
import dev.tollgate.audit.AuditRecord;
import dev.tollgate.events.EngineEvent;
import dev.tollgate.json.Json;
import dev.tollgate.testing.AgentClient;
import dev.tollgate.testing.FaultyMcpServer;
import dev.tollgate.testing.FaultyMcpServer.Fault;
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
 * The fault suite: an agent through a real Tollgate to upstreams that misbehave (a fault-injecting HTTP server
 * that closes idle connections after 1 s, hangs, answers garbage or wrong ids, fails with 500 or drops the
 * connection mid-answer; a stdio server in a crash loop). Each fault reaches the agent as a clear {@code isError}
 * result, is audited, and calls work again once the fault is gone, without restarting Tollgate.
 */
class FaultSuiteTest {
    private static final String KEY = "fault-agent-key";

    /** A stdio MCP server that answers initialize and tools/list, then exits: a crash loop once restarted. */
    private static final String CRASHING = "read l; id=$(echo \"$l\" | sed 's/.*\"id\":\\([0-9]*\\).*/\\1/'); "
            + "printf '{\"jsonrpc\":\"2.0\",\"id\":%s,\"result\":{\"protocolVersion\":\"2025-06-18\","
            + "\"capabilities\":{\"tools\":{}},\"serverInfo\":{\"name\":\"crashing\",\"version\":\"1\"}}}\\n' \"$id\"; "
            + "read n; read l; id=$(echo \"$l\" | sed 's/.*\"id\":\\([0-9]*\\).*/\\1/'); "
            + "printf '{\"jsonrpc\":\"2.0\",\"id\":%s,\"result\":{\"tools\":[{\"name\":\"echo\","
            + "\"inputSchema\":{\"type\":\"object\"}}]}}\\n' \"$id\"; exit 3";

    @TempDir
    Path dir;

    private FaultyMcpServer faulty;
    private TollgateEngine engine;
    private final List<EngineEvent.UpstreamStateChanged> states = new CopyOnWriteArrayList<>();
    private AutoCloseable subscription;

    @BeforeEach
    void start() {
        faulty = FaultyMcpServer.start(Duration.ofSeconds(1));
        String config = "listen: 127.0.0.1:0\n"
                + "audit:\n  url: \"jdbc:h2:file:"
                + dir.resolve("audit").toString().replace('\\', '/') + "\"\n"
                + "servers:\n"
                + "  faulty:\n"
                + "    url: \"" + faulty.url() + "\"\n"
                + "    timeout: 1s\n"
                + "    circuit: { failures: 3, coolDown: 2s }\n"
                + "    reconnect: { initialDelay: 200ms, maxDelay: 1s }\n"
                + "  crashing:\n"
                + "    command: [\"sh\", \"-c\", " + Json.write(Json.MAPPER.valueToTree(CRASHING)) + "]\n"
                + "    reconnect: { initialDelay: 200ms, maxDelay: 1s }\n"
                + "agents:\n"
                + "  agent: { keys: [\"" + KEY + "\"], roles: [user] }\n"
                + "roles:\n"
                + "  user: { allow: [\"faulty.*\", \"crashing.*\"] }\n";
        engine = TollgateEngine.start(EngineConfigs.write(dir, config));
        subscription = engine.events().subscribe(e -> {
            if (e instanceof EngineEvent.UpstreamStateChanged s) {
                states.add(s);
            }
        });
    }

    @AfterEach
    void stop() throws Exception {
        subscription.close();
        engine.close();
        faulty.close();
    }

    private AgentClient agent() {
        return AgentClient.connect(engine.endpoint().orElseThrow().toString(), KEY);
    }

    private static McpSchema.CallToolResult echo(AgentClient agent, String text) {
        return agent.call("faulty__echo", Map.of("text", text));
    }

    private static void assertAnswered(McpSchema.CallToolResult result, String text) {
        assertThat(result.isError()).as(result.toString()).isNotEqualTo(Boolean.TRUE);
        assertThat(AgentClient.text(result)).isEqualTo(text);
    }

    private static void assertFailedWith(McpSchema.CallToolResult result, String... fragments) {
        assertThat(result.isError()).isTrue();
        assertThat(AgentClient.text(result)).contains(fragments);
    }

    private List<AuditRecord> records(String tool) {
        return engine.audit().query(AuditQuery.all()).stream()
                .filter(r -> r.qualifiedTool().equals(tool))
                .toList();
    }

    private boolean sawState(String server, String state, String detailFragment) {
        return states.stream()
                .anyMatch(s -> s.server().equals(server)
                        && s.state().equals(state)
                        && s.detail().contains(detailFragment));
    }

    @Test
    void aConnectionTheUpstreamClosedWhileIdleIsReplacedUnnoticed() throws Exception {
        try (AgentClient agent = agent()) {
            assertAnswered(echo(agent, "first"), "first");
            Thread.sleep(1_500);
            assertAnswered(echo(agent, "after idle close"), "after idle close");
        }
        assertThat(states).noneMatch(s -> s.server().equals("faulty"));
    }

    @Test
    void aHangingUpstreamTimesOutThenTheCircuitFailsCallsFastUntilAProbeSucceeds() {
        try (AgentClient agent = agent()) {
            faulty.fault(Fault.HANG);
            for (int i = 0; i < 3; i++) {
                assertFailedWith(echo(agent, "hang " + i), "did not answer", "1000 ms");
            }
            await().atMost(Duration.ofSeconds(10)).until(() -> sawState("faulty", "down", "circuit open"));
            assertFailedWith(echo(agent, "while open"), "not being called", "retry in");
            assertThat(faulty.toolCalls())
                    .as("the open circuit kept the call from the upstream")
                    .isEqualTo(3);

            faulty.fault(Fault.NONE);
            await().atMost(Duration.ofSeconds(20))
                    .pollInterval(Duration.ofMillis(500))
                    .until(() -> !Boolean.TRUE.equals(echo(agent, "probe").isError()));
            assertAnswered(echo(agent, "closed again"), "closed again");
        }
        await().atMost(Duration.ofSeconds(10)).until(() -> sawState("faulty", "connected", "circuit closed"));
        assertThat(records("faulty.echo")).extracting(AuditRecord::status).contains("timeout", "error", "success");
    }

    @Test
    void garbageWrongIdsAndServerErrorsAreClearErrorsUntilTheCircuitOpensThenCallsWorkAgain() {
        try (AgentClient agent = agent()) {
            faulty.fault(Fault.GARBAGE);
            assertFailedWith(echo(agent, "garbage"), "faulty", "not JSON");
            faulty.fault(Fault.WRONG_ID);
            assertFailedWith(echo(agent, "wrong id"), "faulty", "without a JSON-RPC response");
            faulty.fault(Fault.HTTP_500);
            assertFailedWith(echo(agent, "500"), "faulty", "HTTP 500");
            faulty.fault(Fault.NONE);
            assertFailedWith(
                    echo(agent, "third failure in a row opened the circuit"),
                    "not being called",
                    "3 calls in a row failed",
                    "retry in");
            await().atMost(Duration.ofSeconds(20))
                    .pollInterval(Duration.ofMillis(500))
                    .until(() -> !Boolean.TRUE.equals(echo(agent, "probe").isError()));
            assertAnswered(echo(agent, "fine again"), "fine again");
        }
        await().atMost(Duration.ofSeconds(10))
                .until(() -> records("faulty.echo").size() >= 6);
        assertThat(records("faulty.echo"))
                .extracting(
                        r -> r.reason() + " " + r.result().map(Object::toString).orElse(""))
                .anySatisfy(r -> assertThat(r).contains("not JSON"))
                .anySatisfy(r -> assertThat(r).contains("without a JSON-RPC response"))
                .anySatisfy(r -> assertThat(r).contains("HTTP 500"));
    }

    @Test
    void aConnectionDroppedMidAnswerMakesTollgateReconnect() {
        try (AgentClient agent = agent()) {
            faulty.fault(Fault.CLOSE_MID_ANSWER);
            assertFailedWith(echo(agent, "dropped"), "faulty", "reconnecting");
            faulty.fault(Fault.NONE);
            await().atMost(Duration.ofSeconds(10)).until(() -> sawState("faulty", "connected", "reconnected"));
            assertAnswered(echo(agent, "back"), "back");
        }
        assertThat(sawState("faulty", "reconnecting", "unreachable")).isTrue();
    }

    @Test
    void anUpstreamKilledAndRestartedOnItsPortIsReconnected() {
        try (AgentClient agent = agent()) {
            assertAnswered(echo(agent, "before"), "before");
            faulty.kill();
            assertFailedWith(echo(agent, "while dead"), "faulty", "retry in");
            faulty.start();
            await().atMost(Duration.ofSeconds(20)).until(() -> sawState("faulty", "connected", "reconnected"));
            assertAnswered(echo(agent, "after restart"), "after restart");
        }
    }

    @Test
    void aStdioUpstreamInACrashLoopIsRetriedWhileTheOtherServerServes() {
        await().atMost(Duration.ofSeconds(20))
                .until(() -> states.stream()
                                .filter(s -> s.server().equals("crashing")
                                        && s.state().equals("reconnecting"))
                                .count()
                        >= 3);
        try (AgentClient agent = agent()) {
            McpSchema.CallToolResult crashing = agent.call("crashing__echo", Map.of("text", "x"));
            assertThat(crashing.isError()).isTrue();
            assertThat(AgentClient.text(crashing)).contains("crashing");
            assertAnswered(echo(agent, "unaffected"), "unaffected");
        }
        assertThat(engine.upstreams())
                .filteredOn(u -> u.server().equals("crashing"))
                .allSatisfy(u -> assertThat(u.lastError())
                        .hasValueSatisfying(e -> assertThat(e).contains("exited")));
    }
}
