package dev.tollgate.upstream;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tollgate.events.EventBus;
import dev.tollgate.identity.Credentials;
import dev.tollgate.json.Json;
import dev.tollgate.pipeline.CallContext;
import dev.tollgate.pipeline.CallOutcome;
import dev.tollgate.pipeline.CallStatus;
import dev.tollgate.pipeline.Pipeline;
import dev.tollgate.pipeline.ToolAnnotations;
import dev.tollgate.pipeline.ToolCall;
import dev.tollgate.pipeline.ToolRef;
import dev.tollgate.testing.McpTestServer;
import java.net.ServerSocket;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

class ForwardingInterceptorTest {
    private static final String AGENT_KEY = "agent-key-never-upstream";
    private static EventBus events;
    private static McpTestServer crm;
    private static UpstreamRegistry registry;
    private static Pipeline pipeline;

    @BeforeAll
    static void start() throws Exception {
        events = new EventBus();
        crm = McpTestServer.startDefault();
        int ghostPort;
        try (ServerSocket probe = new ServerSocket(0)) {
            ghostPort = probe.getLocalPort();
        }
        registry = new UpstreamRegistry(
                List.of(
                        UpstreamTestConfigs.http(
                                "crm", crm.url(), Map.of("Authorization", "Bearer crm-upstream-token")),
                        UpstreamTestConfigs.http("ghost", "http://127.0.0.1:" + ghostPort + "/mcp")),
                events);
        registry.start();
        pipeline = new Pipeline(List.of(new ForwardingInterceptor(registry)));
    }

    @AfterAll
    static void stop() {
        registry.close();
        crm.close();
        events.close();
    }

    private static ToolCall call(String server, String tool, Map<String, Object> arguments, JsonNode meta) {
        return new ToolCall(
                "call-1",
                Instant.now(),
                "session-1",
                Credentials.bearer(AGENT_KEY),
                Optional.empty(),
                Optional.empty(),
                new ToolRef(server, tool),
                Json.MAPPER.valueToTree(arguments),
                ToolAnnotations.NONE,
                Optional.empty(),
                meta,
                UpstreamAuth.NONE);
    }

    private static CallContext context(Duration timeout, List<JsonNode> channel) {
        return new CallContext("2025-11-25", channel::add, timeout);
    }

    private static String text(CallOutcome outcome) {
        return outcome.result().path("content").get(0).path("text").asString();
    }

    @Test
    void forwardsTheCallWithTheServersCredentialsAndNotTheAgentsKey() {
        CallOutcome outcome = pipeline.execute(
                call("crm", "whoami", Map.of(), Json.object()),
                context(Duration.ofSeconds(10), new CopyOnWriteArrayList<>()));
        assertThat(outcome.status()).isEqualTo(CallStatus.SUCCESS);
        assertThat(outcome.decision()).isEqualTo(ForwardingInterceptor.FORWARDED);
        JsonNode headers = outcome.result().path("structuredContent").path("headers");
        assertThat(headers.path("authorization").asString()).isEqualTo("Bearer crm-upstream-token");
        assertThat(crm.receivedHeaders()).allSatisfy(h -> assertThat(h.values()).noneMatch(v -> v.contains(AGENT_KEY)));
        assertThat(outcome.responseBytes())
                .isEqualTo(Json.write(outcome.result()).getBytes().length);
    }

    @Test
    void countsDestructiveCallsReachingTheServerAndMapsToolErrors() {
        int before = crm.chargeCount();
        CallOutcome charged = pipeline.execute(
                call("crm", "charge", Map.of("amount", 5), Json.object()),
                context(Duration.ofSeconds(10), new CopyOnWriteArrayList<>()));
        assertThat(text(charged)).startsWith("receipt-");
        assertThat(crm.chargeCount()).isEqualTo(before + 1);

        CallOutcome failed = pipeline.execute(
                call("crm", "fail", Map.of("reason", "card declined"), Json.object()),
                context(Duration.ofSeconds(10), new CopyOnWriteArrayList<>()));
        assertThat(failed.status()).isEqualTo(CallStatus.ERROR);
        assertThat(text(failed)).contains("card declined");
    }

    @Test
    void anUnknownToolBecomesAnErrorResultCarryingTheUpstreamMessage() {
        CallOutcome outcome = pipeline.execute(
                call("crm", "noSuchTool", Map.of(), Json.object()),
                context(Duration.ofSeconds(10), new CopyOnWriteArrayList<>()));
        assertThat(outcome.status()).isEqualTo(CallStatus.ERROR);
        assertThat(outcome.result().path("isError").asBoolean()).isTrue();
        assertThat(text(outcome)).contains("crm").contains("-32602").contains("Unknown tool");
    }

    @Test
    void timesOutWithinTheCallTimeout() {
        CallOutcome outcome = pipeline.execute(
                call("crm", "slow", Map.of("ms", 5_000), Json.object()),
                context(Duration.ofMillis(300), new CopyOnWriteArrayList<>()));
        assertThat(outcome.status()).isEqualTo(CallStatus.TIMEOUT);
        assertThat(outcome.result().path("isError").asBoolean()).isTrue();
        assertThat(text(outcome)).contains("crm").contains("300 ms");
    }

    @Test
    void aDownServerGivesAClearErrorResult() {
        CallOutcome outcome = pipeline.execute(
                call("ghost", "echo", Map.of("text", "x"), Json.object()),
                context(Duration.ofSeconds(10), new CopyOnWriteArrayList<>()));
        assertThat(outcome.status()).isEqualTo(CallStatus.ERROR);
        assertThat(text(outcome)).contains("ghost").contains("is down").contains("retry in");
    }

    @Test
    void relaysProgressForTheAgentsTokenButNotTollgatesOwnMeta() {
        List<JsonNode> channel = new CopyOnWriteArrayList<>();
        ObjectNode meta = Json.object();
        meta.put("progressToken", "p-1");
        meta.put("tollgate/conversation", "conv-9");
        CallOutcome outcome = pipeline.execute(
                call("crm", "progress", Map.of("steps", 2), meta), context(Duration.ofSeconds(10), channel));
        assertThat(outcome.status()).isEqualTo(CallStatus.SUCCESS);
        assertThat(channel)
                .hasSize(2)
                .allSatisfy(
                        m -> assertThat(m.path("params").path("progressToken").asString())
                                .isEqualTo("p-1"));
        String forwarded = crm.receivedRequests().stream()
                .filter(r -> r.body().contains("\"progress\""))
                .reduce((a, b) -> b)
                .orElseThrow()
                .body();
        assertThat(forwarded).contains("p-1").doesNotContain("conv-9");
    }
}
