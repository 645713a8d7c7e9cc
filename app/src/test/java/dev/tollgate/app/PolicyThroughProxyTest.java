package dev.tollgate.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.tollgate.audit.AuditQuery;
import dev.tollgate.audit.AuditRecord;
import dev.tollgate.config.ConfigLoader;
import dev.tollgate.config.TollgateConfig;
import dev.tollgate.engine.TollgateEngine;
import dev.tollgate.events.EngineEvent;
import dev.tollgate.sample.servers.SampleServerOptions;
import dev.tollgate.sample.servers.SampleWorld;
import dev.tollgate.testing.AgentClient;
import io.modelcontextprotocol.spec.McpSchema;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The policy engine through the real proxy: the MCP SDK client as the agent, the sample crm, payments,
 * tickets and calendar servers as upstreams, the demo policy files as written, a real H2 audit store.
 */
class PolicyThroughProxyTest {
    private static final Map<String, String> KEYS = Map.of(
            "BILLING_AGENT_KEY",
            "billing-key",
            "ONBOARDING_AGENT_KEY",
            "onboarding-key",
            "SUPPORT_AGENT_KEY",
            "support-key");
    private static final Path SAMPLE_POLICIES = Path.of("../sample-data/policies");

    @TempDir
    Path dir;

    private SampleWorld world;
    private TollgateEngine engine;
    private final List<AgentClient> clients = new CopyOnWriteArrayList<>();
    private final List<EngineEvent> events = new CopyOnWriteArrayList<>();

    @BeforeEach
    void startServers() {
        world = SampleWorld.start(SampleServerOptions.NORMAL);
    }

    @AfterEach
    void stop() {
        clients.forEach(AgentClient::close);
        if (engine != null) {
            engine.close();
        }
        world.close();
    }

    /** Starts Tollgate on a config file as written, on port 0 and with the audit store in the temp dir. */
    private void startOn(Path file) {
        Map<String, String> env = new HashMap<>(world.environment());
        env.putAll(KEYS);
        TollgateConfig config = new ConfigLoader(name -> Optional.ofNullable(env.get(name)))
                .load(file)
                .withListenPort(0)
                .withAuditUrl("jdbc:h2:file:" + dir.resolve("audit").toAbsolutePath());
        engine = TollgateEngine.start(config);
        engine.events().subscribe(events::add);
    }

    /** A config file in the temp dir: the sample servers at their literal addresses, then {@code policy}. */
    private Path writeConfig(String policy) throws Exception {
        Path file = dir.resolve("tollgate.yaml");
        Files.writeString(file, configText(policy));
        return file;
    }

    private String configText(String policy) {
        return "listen: 127.0.0.1:0\n"
                + "servers:\n"
                + "  crm:      { url: \"" + world.endpoint("crm") + "\" }\n"
                + "  payments: { url: \"" + world.endpoint("payments") + "\", headers: { Authorization: \"Bearer "
                + world.paymentsToken() + "\" } }\n"
                + "  tickets:  { url: \"" + world.endpoint("tickets") + "\" }\n"
                + "  calendar: { url: \"" + world.endpoint("calendar") + "\" }\n"
                + "agents:\n"
                + "  billing-agent: { keys: [billing-key], roles: [billing] }\n"
                + policy;
    }

    private AgentClient agent(String key) {
        AgentClient client = AgentClient.builder(engine.endpoint().orElseThrow().toString())
                .bearer(key)
                .connect();
        clients.add(client);
        return client;
    }

    private List<AuditRecord> records() {
        return engine.audit().query(AuditQuery.all());
    }

    private AuditRecord awaitRecords(int count) {
        await().atMost(Duration.ofSeconds(20))
                .until(() -> records().size() >= count
                        && records().stream().noneMatch(r -> r.decision().equals("pending")));
        return records().get(count - 1);
    }

    /** The 1-based line of the first line containing {@code text}, so edits to the sample file do not break the test. */
    private static int lineOf(Path file, String text) throws Exception {
        List<String> lines = Files.readAllLines(file);
        for (int i = 0; i < lines.size(); i++) {
            if (lines.get(i).contains("deny") && lines.get(i).contains(text)) {
                return i + 1;
            }
        }
        throw new AssertionError(file + " has no deny line with " + text);
    }

    private static Map<String, Object> refund(String order, double amount) {
        return Map.of("orderId", order, "amount", amount, "reason", "customer asked");
    }

    @Test
    void theArticlesThreeAgentsGetExactlyTheirTools() throws Exception {
        startOn(SAMPLE_POLICIES.resolve("seed-agents.yaml"));
        AgentClient billing = agent("billing-key");
        AgentClient onboarding = agent("onboarding-key");
        AgentClient support = agent("support-key");

        assertThat(billing.toolNames()).containsExactlyInAnyOrder("crm__getAccount", "payments__getHistory");
        assertThat(onboarding.toolNames())
                .containsExactlyInAnyOrder("crm__getAccount", "crm__updateAccount", "calendar__schedule");
        assertThat(support.toolNames())
                .containsExactlyInAnyOrder("crm__getAccount", "tickets__create", "tickets__escalate");

        assertThat(billing.call("crm__getAccount", Map.of("customerId", "C-1001"))
                        .isError())
                .isFalse();
        assertThat(billing.call("payments__getHistory", Map.of("customerId", "C-1001"))
                        .isError())
                .isFalse();
        McpSchema.CallToolResult refund = billing.call("payments__issueRefund", refund("O-5003", 50));
        assertThat(refund.isError()).isTrue();
        assertThat(AgentClient.text(refund))
                .contains("role billing deny payments.issueRefund")
                .contains("seed-agents.yaml:"
                        + lineOf(SAMPLE_POLICIES.resolve("seed-agents.yaml"), "\"payments.issueRefund\"]"));
        assertThat(onboarding
                        .call(
                                "crm__updateAccount",
                                Map.of("customerId", "C-1001", "changes", Map.of("plan", "enterprise")))
                        .isError())
                .isFalse();
        assertThat(onboarding
                        .call(
                                "calendar__schedule",
                                Map.of(
                                        "title",
                                        "Kick-off",
                                        "start",
                                        "2026-12-01T10:00:00Z",
                                        "attendees",
                                        List.of("ada@analytical.example")))
                        .isError())
                .isFalse();
        assertThat(AgentClient.text(onboarding.call("payments__getHistory", Map.of("customerId", "C-1001"))))
                .contains("default deny");
        assertThat(support.call("tickets__create", Map.of("customerId", "C-1001", "subject", "Export fails"))
                        .isError())
                .isFalse();
        assertThat(AgentClient.text(support.call("payments__getHistory", Map.of("customerId", "C-1001"))))
                .contains("role support deny payments.*");

        assertThat(world.payments().refundsIssued()).isZero();
        awaitRecords(8);
        assertThat(records())
                .filteredOn(AuditRecord::blocked)
                .extracting(AuditRecord::qualifiedTool, AuditRecord::rule)
                .containsExactly(
                        org.assertj.core.groups.Tuple.tuple(
                                "payments.issueRefund", "role billing deny payments.issueRefund"),
                        org.assertj.core.groups.Tuple.tuple("payments.getHistory", "default deny"),
                        org.assertj.core.groups.Tuple.tuple("payments.getHistory", "role support deny payments.*"));
        assertThat(records().stream()
                        .filter(AuditRecord::blocked)
                        .findFirst()
                        .orElseThrow()
                        .ruleSource()
                        .orElseThrow())
                .endsWith("seed-agents.yaml:"
                        + lineOf(SAMPLE_POLICIES.resolve("seed-agents.yaml"), "\"payments.issueRefund\"]"));
    }

    @Test
    void aConditionAllowsARefundOf50AndRefusesOneOf5000() throws Exception {
        startOn(writeConfig("""
                roles:
                  billing:
                    allow:
                      - crm.getAccount
                      - { tool: payments.issueRefund, when: "args.amount <= 100" }
                """));
        AgentClient billing = agent("billing-key");

        McpSchema.CallToolResult small = billing.call("payments__issueRefund", refund("O-5003", 50));
        McpSchema.CallToolResult large = billing.call("payments__issueRefund", refund("O-5003", 5000));

        assertThat(small.isError()).as(AgentClient.text(small)).isFalse();
        assertThat(large.isError()).isTrue();
        assertThat(AgentClient.text(large))
                .contains("Tollgate blocked payments.issueRefund")
                .contains("default deny");
        assertThat(world.payments().refundsIssued()).isEqualTo(1);
        awaitRecords(2);
        assertThat(records().get(0).rule())
                .isEqualTo("role billing allow payments.issueRefund when args.amount <= 100");
        assertThat(records().get(1).decision()).isEqualTo("blocked");
    }

    @Test
    void destructiveToolsAreDeniedByClassUnlessAllowedByName() throws Exception {
        startOn(writeConfig("""
                roles:
                  billing:
                    allow: ["crm.*", "payments.*", "crm.updateAccount"]
                    deny:  [{ class: destructive }]
                """));
        AgentClient billing = agent("billing-key");

        assertThat(billing.toolNames())
                .containsExactlyInAnyOrder(
                        "crm__getAccount", "crm__search", "crm__updateAccount", "payments__getHistory");
        McpSchema.CallToolResult refund = billing.call("payments__issueRefund", refund("O-5003", 10));
        assertThat(AgentClient.text(refund)).contains("role billing deny class destructive");
        assertThat(billing.call(
                                "crm__updateAccount",
                                Map.of("customerId", "C-1001", "changes", Map.of("plan", "business")))
                        .isError())
                .isFalse();
        assertThat(world.payments().refundsIssued()).isZero();
    }

    @Test
    void aPerAgentPerToolLimitLetsTheBurstThroughThenSaysWhenToRetry() throws Exception {
        startOn(writeConfig("""
                roles:
                  billing:
                    allow: [payments.issueRefund]
                    limits: { "payments.issueRefund": { rate: "1/min", burst: 3 } }
                """));
        AgentClient billing = agent("billing-key");

        for (int i = 1; i <= 3; i++) {
            assertThat(billing.call("payments__issueRefund", refund("O-5003", i))
                            .isError())
                    .as("refund %d", i)
                    .isFalse();
        }
        McpSchema.CallToolResult fourth = billing.call("payments__issueRefund", refund("O-5003", 4));

        assertThat(fourth.isError()).isTrue();
        assertThat(AgentClient.text(fourth))
                .contains("Tollgate rate-limited payments.issueRefund")
                .contains("role billing limit payments.issueRefund 1/min burst 3")
                .containsPattern("Retry after \\d+\\.\\d s");
        assertThat(world.payments().refundsIssued()).isEqualTo(3);
        AuditRecord limited = awaitRecords(4);
        assertThat(limited.decision()).isEqualTo("blocked");
        assertThat(limited.rule()).isEqualTo("role billing limit payments.issueRefund 1/min burst 3");
        assertThat(limited.ruleSource().orElseThrow()).endsWith("tollgate.yaml:12");
    }

    @Test
    void theLoopBreakerStopsTheSixthIdenticalCallButNotOtherArguments() throws Exception {
        startOn(writeConfig("""
                roles:
                  billing:
                    allow: [payments.issueRefund]
                """));
        AgentClient billing = agent("billing-key");

        for (int i = 1; i <= 5; i++) {
            assertThat(billing.call("payments__issueRefund", refund("O-5003", 1))
                            .isError())
                    .as("call %d", i)
                    .isFalse();
        }
        McpSchema.CallToolResult sixth = billing.call("payments__issueRefund", refund("O-5003", 1.0));
        McpSchema.CallToolResult other = billing.call("payments__issueRefund", refund("O-5003", 2));

        assertThat(sixth.isError()).isTrue();
        assertThat(AgentClient.text(sixth)).contains("Tollgate stopped a loop").contains("Retry after 60.0 s");
        assertThat(other.isError()).isFalse();
        assertThat(world.payments().refundsIssued()).isEqualTo(6);
        await().atMost(Duration.ofSeconds(10))
                .until(() -> events.stream()
                        .anyMatch(e -> e instanceof EngineEvent.LoopBreakerTripped t
                                && t.tool().equals("payments.issueRefund")
                                && t.agentId().equals("billing-agent")));
        assertThat(awaitRecords(7)).satisfies(r -> assertThat(r.decision()).isEqualTo("allowed"));
        assertThat(records().get(5).rule()).isEqualTo("loop breaker: more than 5 identical calls in 1 min");
    }

    @Test
    void theRefundStormReplayedUnderTheIncidentPolicyIsBoundedAndFullyAudited() {
        startOn(SAMPLE_POLICIES.resolve("incident.yaml"));
        AgentClient billing = agent("billing-key");
        int attempts = 200;

        int blocked = 0;
        for (int i = 0; i < attempts; i++) {
            blocked += billing.call("payments__issueRefund", refund("O-5004", 19.99))
                            .isError()
                    ? 1
                    : 0;
        }

        assertThat(world.payments().refundsIssued())
                .as("the agent's retry loop ends at the breaker's fifth repeat")
                .isEqualTo(5);
        assertThat(blocked).isEqualTo(attempts - 5);
        awaitRecords(attempts);
        assertThat(records()).hasSize(attempts);
        assertThat(engine.audit()
                        .count(AuditQuery.builder()
                                .decision("blocked")
                                .limit(Integer.MAX_VALUE)
                                .build()))
                .isEqualTo(attempts - 5);
        assertThat(records().get(5).rule()).isEqualTo("loop breaker: more than 5 identical calls in 1 min");
        assertThat(records())
                .filteredOn(AuditRecord::blocked)
                .extracting(AuditRecord::rule)
                .containsOnly(
                        "loop breaker: more than 5 identical calls in 1 min",
                        "role billing limit payments.issueRefund 10/min");
        assertThat(records())
                .filteredOn(AuditRecord::blocked)
                .extracting(AuditRecord::rule)
                .as("the refund limit takes over once its ten tokens are spent")
                .contains("role billing limit payments.issueRefund 10/min");
    }

    @Test
    void aValidEditAppliesLiveAndAnInvalidOneIsRefusedWithItsLine() throws Exception {
        Path file = writeConfig("""
                roles:
                  billing:
                    allow: [crm.getAccount]
                    deny:  [payments.issueRefund]
                """);
        startOn(file);
        List<List<McpSchema.Tool>> toolChanges = new CopyOnWriteArrayList<>();
        AgentClient billing = AgentClient.builder(
                        engine.endpoint().orElseThrow().toString())
                .bearer("billing-key")
                .onToolsChanged(toolChanges::add)
                .connect();
        clients.add(billing);
        assertThat(billing.toolNames()).containsExactly("crm__getAccount");
        assertThat(billing.call("payments__issueRefund", refund("O-5003", 5)).isError())
                .isTrue();

        Files.writeString(file, configText("""
                roles:
                  billing:
                    allow: [crm.getAccount, payments.issueRefund]
                """));

        // Wait for the reload itself: polling with the same refund would trip the loop breaker.
        await().atMost(Duration.ofSeconds(20))
                .until(() -> events.stream().anyMatch(e -> e instanceof EngineEvent.PolicyReloaded r && r.applied()));
        assertThat(billing.call("payments__issueRefund", refund("O-5003", 5)).isError())
                .isFalse();
        await().atMost(Duration.ofSeconds(20)).until(() -> !toolChanges.isEmpty());
        assertThat(billing.toolNames()).containsExactlyInAnyOrder("crm__getAccount", "payments__issueRefund");

        Files.writeString(file, configText("""
                roles:
                  billing:
                    allow: [crm.getAccount, { tool: payments.issueRefund, when: "args.amount <" }]
                """));
        await().atMost(Duration.ofSeconds(20))
                .until(() -> events.stream().anyMatch(e -> e instanceof EngineEvent.PolicyReloaded r && !r.applied()));
        EngineEvent.PolicyReloaded refused = events.stream()
                .filter(e -> e instanceof EngineEvent.PolicyReloaded r && !r.applied())
                .map(EngineEvent.PolicyReloaded.class::cast)
                .findFirst()
                .orElseThrow();
        assertThat(refused.problem())
                .startsWith(file.toAbsolutePath() + ":11: condition 'args.amount <' does not compile");
        assertThat(billing.call("payments__issueRefund", refund("O-5003", 6)).isError())
                .isFalse();
    }
}
