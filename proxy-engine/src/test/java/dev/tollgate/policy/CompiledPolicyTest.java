package dev.tollgate.policy;

import static dev.tollgate.policy.TestCalls.T0;
import static dev.tollgate.policy.TestCalls.call;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.tollgate.config.ConfigException;
import dev.tollgate.config.TollgateConfig;
import dev.tollgate.identity.AgentIdentity;
import dev.tollgate.pipeline.BlockReason;
import dev.tollgate.pipeline.Decision;
import dev.tollgate.pipeline.ToolAnnotations;
import dev.tollgate.pipeline.ToolRef;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Conditions, tool classes and load errors, each from a configuration file written the way users write it. */
class CompiledPolicyTest {
    @TempDir
    Path dir;

    private TollgateConfig write(String yaml) throws Exception {
        Path file = dir.resolve("tollgate.yaml");
        Files.writeString(file, yaml);
        return TestCalls.load(file);
    }

    private CompiledPolicy policy(String yaml) throws Exception {
        return CompiledPolicy.from(write(yaml));
    }

    private static final String REFUNDS = """
            agents:
              billing-agent: { keys: [k1], roles: [billing] }
            roles:
              billing:
                allow:
                  - crm.getAccount
                  - { tool: payments.issueRefund, when: "args.amount <= 100" }
                deny:
                  - { tool: "payments.*", when: "has(args.currency) && args.currency != 'EUR'" }
            """;

    @Test
    void conditionAllowsSmallRefundsAndDeniesLargeOnes() throws Exception {
        CompiledPolicy policy = policy(REFUNDS);
        List<String> roles = List.of("billing");
        Decision small = policy.decide(call("billing-agent", roles, "payments.issueRefund", "{\"amount\": 50}"));
        assertThat(small.isBlocked()).isFalse();
        assertThat(small.rule()).isEqualTo("role billing allow payments.issueRefund when args.amount <= 100");
        assertThat(small.source()).hasValue(dir.resolve("tollgate.yaml") + ":7");
        assertThat(policy.decide(call("billing-agent", roles, "payments.issueRefund", "{\"amount\": 99.5}"))
                        .isBlocked())
                .isFalse();
        Decision large = policy.decide(call("billing-agent", roles, "payments.issueRefund", "{\"amount\": 5000}"));
        assertThat(large.isBlocked()).isTrue();
        assertThat(large.rule()).isEqualTo("default deny");
        Decision dollars = policy.decide(
                call("billing-agent", roles, "payments.issueRefund", "{\"amount\": 5, \"currency\": \"USD\"}"));
        assertThat(dollars.rule()).startsWith("role billing deny payments.* when");
    }

    @Test
    void conditionThatCannotBeEvaluatedBlocksAndSaysWhy() throws Exception {
        CompiledPolicy policy = policy(REFUNDS);
        Decision missing = policy.decide(
                call("billing-agent", List.of("billing"), "payments.issueRefund", "{\"orderId\": \"o-1\"}"));
        assertThat(missing.isBlocked()).isTrue();
        assertThat(missing.reason()).isEqualTo(BlockReason.POLICY);
        assertThat(missing.message())
                .contains("could not be evaluated")
                .contains("key 'amount' is not present")
                .contains("args.amount <= 100")
                .contains("tollgate.yaml:7");
        Decision wrongType = policy.decide(
                call("billing-agent", List.of("billing"), "payments.issueRefund", "{\"amount\": \"lots\"}"));
        assertThat(wrongType.isBlocked()).isTrue();
        assertThat(wrongType.message()).contains("could not be evaluated");
    }

    @Test
    void conditionsSeeAgentUserToolAndTime() throws Exception {
        CompiledPolicy policy = policy("""
                roles:
                  ops:
                    allow:
                      - { tool: "crm.*", when: "tool == 'crm.getAccount' && 'ops' in agent.roles && agent.id == 'a1'" }
                      - { tool: "tickets.*", when: "now.getHours() < 18 && user.subject == ''" }
                """);
        assertThat(policy.decide(call("a1", List.of("ops"), "crm.getAccount", "{}"))
                        .isBlocked())
                .isFalse();
        assertThat(policy.decide(call("a2", List.of("ops"), "crm.getAccount", "{}"))
                        .isBlocked())
                .isTrue();
        assertThat(policy.decide(call("a1", List.of("ops"), "tickets.create", "{}", T0, ToolAnnotations.NONE))
                        .isBlocked())
                .isFalse();
        Instant evening = Instant.parse("2026-11-25T19:00:00Z");
        assertThat(policy.decide(call("a1", List.of("ops"), "tickets.create", "{}", evening, ToolAnnotations.NONE))
                        .isBlocked())
                .isTrue();
        assertThat(policy.decide(TestCalls.asUser(call("a1", List.of("ops"), "tickets.create", "{}"), "alice"))
                        .isBlocked())
                .isTrue();
    }

    @Test
    void conditionThatDoesNotCompileIsALoadErrorOnItsLine() throws Exception {
        TollgateConfig config = write("""
                roles:
                  billing:
                    allow:
                      - crm.getAccount
                      - tool: payments.issueRefund
                        when: "args.amount <= "
                """);
        assertThatThrownBy(() -> CompiledPolicy.from(config))
                .isInstanceOf(ConfigException.class)
                .hasMessageStartingWith(
                        dir.resolve("tollgate.yaml") + ":6: condition 'args.amount <= ' does not compile");
    }

    @Test
    void checkReportsEveryProblemWithItsLine() throws Exception {
        List<ConfigException> problems = CompiledPolicy.check(write("""
                roles:
                  billing:
                    allow: [crm.getAccount, { class: dangerous }]
                    alow: [payments.getHistory]
                    limits: { "crm.getAccount": "lots/min" }
                limits:
                  - { tool: "payments.*", per: everyone, rate: 10/min }
                loopBreaker:
                  maxRepeats: -1
                  window: soon
                """));
        assertThat(problems)
                .extracting(p -> p.line() + ": " + p.detail())
                .containsExactly(
                        "3: unknown tool class 'dangerous' (expected readOnly, destructive, idempotent or openWorld)",
                        "4: unknown key 'alow' in roles.billing (did you mean 'allow'?)",
                        "5: expected a rate like 200/min, 10/s or 1000/h, got 'lots/min'",
                        "7: per must be agent-tool, agent, user or tool, got 'everyone'",
                        "9: maxRepeats must be a whole number ≥ 0 (0 turns the breaker off), got '-1'",
                        "10: expected a duration like 500ms, 30s, 2m, 1h or 90d, got 'soon'");
    }

    @Test
    void destructiveToolsAreDeniedUnlessAllowedByExactName() throws Exception {
        CompiledPolicy policy = policy("""
                roles:
                  support:
                    allow: ["crm.*", "tickets.close"]
                    deny:  [{ class: destructive }]
                """);
        List<String> roles = List.of("support");
        Decision read = policy.decide(call("s", roles, "crm.getAccount", "{}", T0, TestCalls.readOnly()));
        assertThat(read.isBlocked()).isFalse();
        Decision delete = policy.decide(call("s", roles, "crm.deleteAccount", "{}", T0, TestCalls.destructive()));
        assertThat(delete.isBlocked()).isTrue();
        assertThat(delete.rule()).isEqualTo("role support deny class destructive");
        Decision unannotated = policy.decide(call("s", roles, "crm.merge", "{}", T0, ToolAnnotations.NONE));
        assertThat(unannotated.isBlocked())
                .as("MCP's default: a tool without hints may be destructive")
                .isTrue();
        Decision close = policy.decide(call("s", roles, "tickets.close", "{}", T0, TestCalls.destructive()));
        assertThat(close.isBlocked()).isFalse();
        assertThat(close.rule()).isEqualTo("role support allow tickets.close");

        AgentIdentity agent = new AgentIdentity("s", roles, "api-key");
        assertThat(policy.visible(agent, ToolRef.parse("crm.deleteAccount"), TestCalls.destructive()))
                .isFalse();
        assertThat(policy.visible(agent, ToolRef.parse("crm.getAccount"), TestCalls.readOnly()))
                .isTrue();
        assertThat(policy.visible(agent, ToolRef.parse("tickets.close"), TestCalls.destructive()))
                .isTrue();
    }

    @Test
    void aNamedDenyBeatsEveryAllowAcrossRoles() throws Exception {
        CompiledPolicy policy = policy("""
                roles:
                  reader:  { allow: [{ class: readOnly }, "payments.issueRefund"] }
                  careful: { deny: [payments.issueRefund] }
                """);
        Decision refund = policy.decide(call("a", List.of("reader", "careful"), "payments.issueRefund", "{}"));
        assertThat(refund.rule()).isEqualTo("role careful deny payments.issueRefund");
        assertThat(policy.decide(call(
                                "a", List.of("reader", "careful"), "crm.getAccount", "{}", T0, TestCalls.readOnly()))
                        .rule())
                .isEqualTo("role reader allow class readOnly");
    }

    @Test
    void limitsAndLoopBreakerSectionsCompile() throws Exception {
        CompiledPolicy policy = CompiledPolicy.from(TestCalls.load(TestCalls.INCIDENT));
        assertThat(policy.limits())
                .extracting(l -> l.name())
                .containsExactly(
                        "role billing limit payments.issueRefund 10/min",
                        "role billing limit * 600/min",
                        "role support limit crm.getAccount 200/min");
        assertThat(policy.loopBreaker().ruleFor("payments.issueRefund")).hasValueSatisfying(rule -> {
            assertThat(rule.maxRepeats()).isEqualTo(5);
            assertThat(rule.coolDown()).hasMinutes(5);
        });
    }
}
