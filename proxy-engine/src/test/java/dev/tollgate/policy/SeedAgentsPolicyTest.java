package dev.tollgate.policy;

import static dev.tollgate.policy.TestCalls.call;
import static org.assertj.core.api.Assertions.assertThat;

import dev.tollgate.pipeline.BlockReason;
import dev.tollgate.pipeline.Decision;
import dev.tollgate.pipeline.ToolAnnotations;
import dev.tollgate.pipeline.ToolRef;
import java.nio.file.Files;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The article's three agents, as written in sample-data/policies/seed-agents.yaml. */
class SeedAgentsPolicyTest {
    private final CompiledPolicy policy = CompiledPolicy.from(TestCalls.load(TestCalls.SEED_AGENTS));

    private Decision decide(String agent, String tool) {
        return policy.decide(call(agent, policy.agent(agent).orElseThrow().roles(), tool, "{}"));
    }

    @Test
    void billingReadsButMayNotRefund() throws Exception {
        assertThat(decide("billing-agent", "crm.getAccount").isBlocked()).isFalse();
        assertThat(decide("billing-agent", "payments.getHistory").isBlocked()).isFalse();
        Decision refund = decide("billing-agent", "payments.issueRefund");
        assertThat(refund.isBlocked()).isTrue();
        assertThat(refund.reason()).isEqualTo(BlockReason.POLICY);
        assertThat(refund.rule()).isEqualTo("role billing deny payments.issueRefund");
        assertThat(refund.message()).contains("payments.issueRefund").contains("seed-agents.yaml:");
        assertThat(lineOf(refund)).contains("deny:").contains("payments.issueRefund");
        Decision unlisted = decide("billing-agent", "crm.updateAccount");
        assertThat(unlisted.rule()).isEqualTo("default deny");
        assertThat(lineOf(unlisted))
                .as("default deny cites the agent's roles")
                .contains("billing-agent:")
                .contains("roles: [billing]");
    }

    @Test
    void onboardingUpdatesAccountsAndSchedules() {
        for (String tool : List.of("crm.getAccount", "crm.updateAccount", "calendar.schedule")) {
            assertThat(decide("onboarding-agent", tool).isBlocked()).as(tool).isFalse();
        }
        assertThat(decide("onboarding-agent", "payments.issueRefund").isBlocked())
                .isTrue();
        assertThat(decide("onboarding-agent", "tickets.create").isBlocked()).isTrue();
    }

    @Test
    void supportWorksTicketsAndIsShutOutOfPayments() throws Exception {
        for (String tool : List.of("crm.getAccount", "tickets.create", "tickets.escalate")) {
            assertThat(decide("support-agent", tool).isBlocked()).as(tool).isFalse();
        }
        Decision history = decide("support-agent", "payments.getHistory");
        assertThat(history.rule()).isEqualTo("role support deny payments.*");
        assertThat(lineOf(history)).contains("payments.*");
        assertThat(decide("support-agent", "crm.updateAccount").isBlocked()).isTrue();
    }

    @Test
    void agentsAreOnlyShownTheToolsTheyMayCall() {
        var support = policy.agent("support-agent").orElseThrow();
        assertThat(policy.visible(support, ToolRef.parse("tickets.create"), ToolAnnotations.NONE))
                .isTrue();
        assertThat(policy.visible(support, ToolRef.parse("payments.getHistory"), ToolAnnotations.NONE))
                .isFalse();
        assertThat(policy.visible(support, ToolRef.parse("calendar.schedule"), ToolAnnotations.NONE))
                .isFalse();
    }

    @Test
    void roleLimitsFromTheProductFormAreCompiled() {
        assertThat(policy.limits()).singleElement().satisfies(limit -> {
            assertThat(limit.name()).isEqualTo("role support limit crm.getAccount 200/min");
            assertThat(limit.role()).contains("support");
            assertThat(limit.rate().burst()).isEqualTo(200);
        });
    }

    private static String lineOf(Decision decision) throws Exception {
        String source = decision.source().orElseThrow();
        int line = Integer.parseInt(source.substring(source.lastIndexOf(':') + 1));
        return Files.readAllLines(TestCalls.SEED_AGENTS).get(line - 1);
    }
}
