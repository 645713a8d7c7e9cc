package dev.tollgate.sample.agents;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tollgate.sample.servers.SampleServerOptions;
import dev.tollgate.sample.servers.SampleWorld;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The article's situation: the agents talk straight to the servers, and nothing stops the refund loop. */
class ScriptedAgentsWithoutGatewayTest {
    private SampleWorld world;
    private DirectGateway direct;

    private void startServers(SampleServerOptions options) {
        world = SampleWorld.start(options);
        direct = new DirectGateway(
                Map.of(
                        "crm",
                        world.endpoint("crm"),
                        "payments",
                        world.endpoint("payments"),
                        "tickets",
                        world.endpoint("tickets"),
                        "calendar",
                        world.endpoint("calendar")),
                Map.of("payments", Map.of("Authorization", "Bearer " + world.paymentsToken())),
                Duration.ofSeconds(10));
    }

    @AfterEach
    void stopServers() {
        world.close();
    }

    @Test
    void everyToolCallOfTheEverydayConversationsSucceedsWithoutAGateway() {
        startServers(SampleServerOptions.NORMAL);
        List<Transcript> everyday = Transcript.bundled().stream()
                .filter(t -> !t.name().equals(DemoScenario.INCIDENT))
                .collect(Collectors.toList());

        List<AgentCall> calls = new DemoScenario(direct, Pacing.NONE, everyday).play(100);

        int expected = everyday.stream().mapToInt(t -> t.toolCalls().size()).sum();
        assertThat(calls).hasSize(expected);
        assertThat(calls)
                .allSatisfy(c ->
                        assertThat(c.outcome()).as(c.tool() + ": " + c.text()).isEqualTo(AgentCall.Outcome.OK));
        assertThat(calls).extracting(AgentCall::tool).contains("payments.issueRefund", "payments.updatePaymentMethod");
    }

    @Test
    void theBillingAgentRetriesTheTimedOutRefundUntilTheBudgetIsSpent() {
        startServers(SampleServerOptions.refundTimeouts(Duration.ofMillis(1)));
        Transcript incident = Transcript.resource(DemoScenario.INCIDENT);

        List<AgentCall> calls =
                new ScriptedAgent("billing-agent", direct, Pacing.NONE).play(incident, new CallBudget(40));

        assertThat(calls).hasSize(40);
        List<AgentCall> refunds = calls.stream()
                .filter(c -> c.tool().equals("payments.issueRefund"))
                .collect(Collectors.toList());
        assertThat(refunds).hasSize(38);
        assertThat(refunds).allSatisfy(c -> assertThat(c.text()).startsWith("timeout:"));
        assertThat(refunds.get(refunds.size() - 1).attempt()).isEqualTo(38);
        assertThat(world.payments().refundsIssued()).isEqualTo(38);
        assertThat(calls).extracting(AgentCall::conversationId).containsOnly(incident.conversationId());
    }
}
