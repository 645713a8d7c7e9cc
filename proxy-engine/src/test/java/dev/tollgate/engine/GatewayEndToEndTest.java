package dev.tollgate.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.tollgate.audit.AuditQuery;
import dev.tollgate.audit.AuditRecord;
import dev.tollgate.json.Json;
import dev.tollgate.testing.AgentClient;
import dev.tollgate.testing.McpTestServer;
import io.modelcontextprotocol.spec.McpSchema;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** An SDK agent through a real Tollgate to an SDK server over Streamable HTTP and one over stdio. */
class GatewayEndToEndTest {
    @TempDir
    Path dir;

    private McpTestServer crm;
    private TollgateEngine engine;

    @BeforeEach
    void start() {
        crm = McpTestServer.builder().tools("echo", "add", "charge", "slow").start();
        engine = TollgateEngine.start(EngineConfigs.write(dir, EngineConfigs.text(dir, crm.url(), "")));
    }

    @AfterEach
    void stop() {
        engine.close();
        crm.close();
    }

    private AgentClient agent(String key) {
        return AgentClient.builder(engine.endpoint().orElseThrow().toString())
                .bearer(key)
                .conversation("conv-42")
                .connect();
    }

    private List<AuditRecord> records() {
        return engine.audit().query(AuditQuery.all());
    }

    @Test
    void theAgentSeesTheToolsOfBothUpstreamsItMayUseUnderServerPrefixes() {
        try (AgentClient billing = agent(EngineConfigs.BILLING_KEY);
                AgentClient support = agent(EngineConfigs.SUPPORT_KEY)) {
            assertThat(billing.toolNames())
                    .containsExactlyInAnyOrder("crm__echo", "crm__add", "crm__slow", "payments__echo", "payments__add");
            assertThat(support.toolNames()).containsExactly("crm__echo");
        }
    }

    @Test
    void callsRouteToTheirUpstreamAndAreAuditedWithTheAllowingRule() {
        try (AgentClient billing = agent(EngineConfigs.BILLING_KEY)) {
            McpSchema.CallToolResult sum = billing.call("crm__add", Map.of("a", 2, "b", 3));
            McpSchema.CallToolResult echo = billing.call("payments__echo", Map.of("text", "over stdio"));

            assertThat(sum.isError()).isFalse();
            assertThat(AgentClient.text(sum)).isEqualTo("5");
            assertThat(echo.isError()).isFalse();
            assertThat(AgentClient.text(echo)).isEqualTo("over stdio");
        }
        await().atMost(Duration.ofSeconds(10)).until(() -> records().size() == 2);
        AuditRecord first = records().get(0);
        assertThat(first.qualifiedTool()).isEqualTo("crm.add");
        assertThat(first.agentId()).isEqualTo("billing-agent");
        assertThat(first.decision()).isEqualTo("allowed");
        assertThat(first.rule()).contains("crm.*");
        assertThat(first.status()).isEqualTo("success");
        assertThat(first.conversationId()).contains("conv-42");
        assertThat(records().get(1).qualifiedTool()).isEqualTo("payments.echo");
    }

    @Test
    void aDeniedToolIsNotListedAndCallingItAnywayIsAnErrorNamingTheRule() {
        try (AgentClient billing = agent(EngineConfigs.BILLING_KEY)) {
            assertThat(billing.toolNames()).doesNotContain("crm__charge", "payments__charge");

            McpSchema.CallToolResult result = billing.call("crm__charge", Map.of("amount", 100));

            assertThat(result.isError()).isTrue();
            assertThat(AgentClient.text(result)).contains("crm.charge").contains("deny");
        }
        assertThat(crm.chargeCount()).isZero();
        await().atMost(Duration.ofSeconds(10)).until(() -> records().size() == 1);
        assertThat(records().get(0).decision()).isEqualTo("blocked");
        assertThat(records().get(0).qualifiedTool()).isEqualTo("crm.charge");
    }

    @Test
    void aToolNoUpstreamOffersIsBlockedAndStillAudited() {
        try (AgentClient billing = agent(EngineConfigs.BILLING_KEY)) {
            McpSchema.CallToolResult result = billing.call("crm__refundEverything", Map.of());

            assertThat(result.isError()).isTrue();
            assertThat(AgentClient.text(result)).contains("crm__refundEverything");
        }
        await().atMost(Duration.ofSeconds(10)).until(() -> records().size() == 1);
        assertThat(records().get(0).decision()).isEqualTo("blocked");
        assertThat(records().get(0).rule()).isEqualTo("unknown tool");
    }

    @Test
    void anUpstreamDyingMidCallGivesTheAgentAnErrorResultAndTheProxyKeepsServing() throws Exception {
        try (AgentClient billing = agent(EngineConfigs.BILLING_KEY)) {
            CompletableFuture<McpSchema.CallToolResult> slow =
                    CompletableFuture.supplyAsync(() -> billing.call("crm__slow", Map.of("ms", 15_000)));
            await().atMost(Duration.ofSeconds(10))
                    .until(() -> crm.receivedMethods().contains("tools/call"));

            crm.close();

            McpSchema.CallToolResult result = slow.get(20, TimeUnit.SECONDS);
            assertThat(result.isError()).isTrue();
            McpSchema.CallToolResult after = billing.call("payments__add", Map.of("a", 1, "b", 1));
            assertThat(AgentClient.text(after)).isEqualTo("2");
        }
    }

    @Test
    void theProtectedResourceMetadataNamesTheEndpointActuallyBound() throws Exception {
        URI endpoint = engine.endpoint().orElseThrow();

        HttpResponse<String> metadata = HttpClient.newHttpClient()
                .send(
                        HttpRequest.newBuilder(endpoint.resolve("/.well-known/oauth-protected-resource"))
                                .build(),
                        HttpResponse.BodyHandlers.ofString());

        assertThat(metadata.statusCode()).isEqualTo(200);
        assertThat(Json.parse(metadata.body()).path("resource").asString()).isEqualTo(endpoint.toString());
    }
}
