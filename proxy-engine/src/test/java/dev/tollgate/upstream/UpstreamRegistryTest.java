package dev.tollgate.upstream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.tuple;
import static org.awaitility.Awaitility.await;

import dev.tollgate.engine.UpstreamStatus;
import dev.tollgate.events.EngineEvent;
import dev.tollgate.events.EventBus;
import dev.tollgate.pipeline.ToolRef;
import dev.tollgate.testing.McpTestServer;
import dev.tollgate.testing.StdioTestServerMain;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class UpstreamRegistryTest {
    private EventBus events;
    private final List<EngineEvent.UpstreamStateChanged> stateEvents = new CopyOnWriteArrayList<>();

    @BeforeEach
    void subscribe() {
        events = new EventBus();
        events.subscribe(e -> {
            if (e instanceof EngineEvent.UpstreamStateChanged s) {
                stateEvents.add(s);
            }
        });
    }

    @AfterEach
    void closeBus() {
        events.close();
    }

    private static int freePort() throws Exception {
        try (ServerSocket probe = new ServerSocket(0)) {
            return probe.getLocalPort();
        }
    }

    @Test
    void connectsHttpAndStdioServersWhileADownServerIsReportedAndRefused() throws Exception {
        String ghostUrl = "http://127.0.0.1:" + freePort() + "/mcp";
        try (McpTestServer crm = McpTestServer.startDefault();
                UpstreamRegistry registry = new UpstreamRegistry(
                        List.of(
                                UpstreamTestConfigs.http("crm", crm.url()),
                                UpstreamTestConfigs.stdio(
                                        "payments", StdioTestServerMain.command("--tools", "charge,echo"), Map.of()),
                                UpstreamTestConfigs.http("ghost", ghostUrl)),
                        events)) {
            registry.start();

            assertThat(registry.tools())
                    .extracting(t -> t.ref().qualified())
                    .contains("crm.echo", "crm.charge", "payments.charge", "payments.echo")
                    .noneMatch(name -> name.startsWith("ghost."));
            UpstreamTool charge =
                    registry.tool(new ToolRef("payments", "charge")).orElseThrow();
            assertThat(charge.annotations().isDestructive()).isTrue();
            assertThat(registry.tool(new ToolRef("crm", "echo"))
                            .orElseThrow()
                            .annotations()
                            .isReadOnly())
                    .isTrue();
            assertThat(registry.resources()).extracting(UpstreamResource::uri).contains("test://readme");
            assertThat(registry.prompts()).extracting(UpstreamPrompt::name).contains("greeting");

            assertThat(registry.statuses())
                    .extracting(UpstreamStatus::server, UpstreamStatus::transport, UpstreamStatus::state)
                    .contains(
                            tuple("crm", "http", "connected"),
                            tuple("payments", "stdio", "connected"),
                            tuple("ghost", "http", "down"));
            UpstreamStatus ghost = registry.statuses().stream()
                    .filter(s -> s.server().equals("ghost"))
                    .findFirst()
                    .orElseThrow();
            assertThat(ghost.detail()).contains("handshake failed").contains("unreachable");
            await().until(() -> stateEvents.stream()
                    .anyMatch(e -> e.server().equals("ghost") && e.state().equals("down")));

            assertThatThrownBy(() -> registry.connection("ghost"))
                    .isInstanceOf(UpstreamException.class)
                    .hasMessageContaining("ghost")
                    .hasMessageContaining("is down")
                    .hasMessageContaining("retry in");
            assertThatThrownBy(() -> registry.connection("nobody"))
                    .isInstanceOf(UpstreamException.class)
                    .hasMessageContaining("no upstream server named 'nobody'");
            assertThat(registry.connection("crm").isAlive()).isTrue();
        }
    }

    @Test
    void followsPaginationToTheLastPage() throws Exception {
        try (PagingMcpServer paging = new PagingMcpServer(5, 2);
                UpstreamRegistry registry =
                        new UpstreamRegistry(List.of(UpstreamTestConfigs.http("big", paging.url())), events)) {
            registry.start();
            assertThat(registry.tools("big"))
                    .extracting(UpstreamTool::name)
                    .containsExactly("tool0", "tool1", "tool2", "tool3", "tool4");
            assertThat(paging.cursorsSeen()).containsExactly("0", "2", "4");
        }
    }

    @Test
    void refetchesToolsOnListChangedAndTellsListeners() throws Exception {
        List<ListChange> changes = new CopyOnWriteArrayList<>();
        try (McpTestServer crm = McpTestServer.startDefault();
                UpstreamRegistry registry =
                        new UpstreamRegistry(List.of(UpstreamTestConfigs.http("crm", crm.url())), events)) {
            registry.onListChanged(changes::add);
            registry.start();
            await().until(() ->
                    crm.receivedRequests().stream().anyMatch(r -> r.method().equals("GET")));
            crm.addEchoTool("lateArrival");
            await().atMost(Duration.ofSeconds(10))
                    .until(() -> registry.tools("crm").stream()
                            .anyMatch(t -> t.name().equals("lateArrival")));
            assertThat(changes).contains(new ListChange("crm", ListChange.Kind.TOOLS));
        }
    }

    @Test
    void aServerThatComesUpLaterIsConnectedAndAnnounced() throws Exception {
        int port = freePort();
        List<ListChange> changes = new CopyOnWriteArrayList<>();
        try (UpstreamRegistry registry = new UpstreamRegistry(
                List.of(UpstreamTestConfigs.http("late", "http://127.0.0.1:" + port + "/mcp")), events)) {
            registry.onListChanged(changes::add);
            registry.start();
            assertThat(registry.statuses().get(0).state()).isEqualTo("down");
            try (McpTestServer late = McpTestServer.builder().port(port).start()) {
                await().atMost(Duration.ofSeconds(20))
                        .until(() -> registry.statuses().get(0).state().equals("connected"));
                assertThat(registry.tools("late")).isNotEmpty();
                assertThat(changes).contains(new ListChange("late", ListChange.Kind.TOOLS));
            }
        }
    }
}
