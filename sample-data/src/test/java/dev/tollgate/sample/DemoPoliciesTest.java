package dev.tollgate.sample;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.tollgate.config.ConfigException;
import dev.tollgate.config.ConfigLoader;
import dev.tollgate.config.TollgateConfig;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import tools.jackson.databind.JsonNode;

class DemoPoliciesTest {
    private static final Map<String, String> ENV = Map.of(
            "TOLLGATE_CRM_URL", "http://127.0.0.1:9001/mcp",
            "TOLLGATE_PAYMENTS_URL", "http://127.0.0.1:9002/mcp",
            "TOLLGATE_PAYMENTS_TOKEN", "pay-token",
            "TOLLGATE_TICKETS_URL", "http://127.0.0.1:9003/mcp",
            "TOLLGATE_CALENDAR_URL", "http://127.0.0.1:9004/mcp",
            "BILLING_AGENT_KEY", "billing-key",
            "ONBOARDING_AGENT_KEY", "onboarding-key",
            "SUPPORT_AGENT_KEY", "support-key");

    @ParameterizedTest
    @EnumSource(DemoPolicies.class)
    void loadsWithTheFourServersAndThreeAgents(DemoPolicies policy) {
        TollgateConfig config = load(policy);

        assertThat(config.servers()).containsOnlyKeys("crm", "payments", "tickets", "calendar");
        assertThat(config.servers().get("payments").headers()).containsEntry("Authorization", "Bearer pay-token");
        assertThat(config.agents()).containsOnlyKeys("billing-agent", "onboarding-agent", "support-agent");
        assertThat(config.agents().get("billing-agent").keys()).containsExactly("billing-key");
    }

    @Test
    void seedAgentsSaysExactlyWhatTheArticleSays() {
        JsonNode roles = load(DemoPolicies.SEED_AGENTS).root().path("roles");

        assertThat(strings(roles.path("billing").path("allow")))
                .containsExactly("crm.getAccount", "payments.getHistory");
        assertThat(strings(roles.path("billing").path("deny"))).containsExactly("payments.issueRefund");
        assertThat(strings(roles.path("onboarding").path("allow")))
                .containsExactly("crm.getAccount", "crm.updateAccount", "calendar.schedule");
        assertThat(strings(roles.path("support").path("allow")))
                .containsExactly("crm.getAccount", "tickets.create", "tickets.escalate");
        assertThat(strings(roles.path("support").path("deny"))).containsExactly("payments.*");
    }

    @Test
    void incidentLetsBillingRefundOnlyAFewPerMinute() {
        JsonNode billing = load(DemoPolicies.INCIDENT).root().path("roles").path("billing");

        assertThat(strings(billing.path("allow"))).contains("payments.issueRefund");
        assertThat(billing.path("limits").path("payments.issueRefund").asString())
                .isEqualTo("10/min");
    }

    @Test
    void withoutTheDemoEnvironmentTheMissingVariableIsNamed() {
        assertThatThrownBy(() -> new ConfigLoader(name -> Optional.empty())
                        .parse("seed-agents.yaml", DemoPolicies.SEED_AGENTS.text()))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("TOLLGATE_CRM_URL");
    }

    private static TollgateConfig load(DemoPolicies policy) {
        return new ConfigLoader(name -> Optional.ofNullable(ENV.get(name))).parse(policy.fileName(), policy.text());
    }

    private static List<String> strings(JsonNode array) {
        List<String> out = new ArrayList<>();
        array.forEach(n -> out.add(n.asString()));
        return out;
    }
}
