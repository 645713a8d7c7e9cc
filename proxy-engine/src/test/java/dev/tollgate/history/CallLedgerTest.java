package dev.tollgate.history;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tollgate.config.ConfigLoader;
import dev.tollgate.json.Json;
import dev.tollgate.pipeline.ToolCall;
import dev.tollgate.policy.CompiledPolicy;
import dev.tollgate.policy.TestCalls;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** The one-line rules the issue asks for, decided against a ledger of earlier calls. */
class CallLedgerTest {
    private final CompiledPolicy policy = CompiledPolicy.from(new ConfigLoader().parse("rules.yaml", """
            roles:
              support:
                allow: ["crm.*", "email.send"]
                deny:
                  - { tool: email.send, when: 'session.called("crm.exportCustomers")' }
                  - { tool: "crm.*", when: 'session.count("crm.*") >= 3' }
            """));
    private final CallLedger ledger = new CallLedger(CallLedger.NO_SEED, 100);

    private ToolCall call(String tool) {
        return TestCalls.call("support-agent", List.of("support"), tool, "{}");
    }

    @Test
    void noEmailAfterAnExportInTheSameSession() {
        assertThat(policy.decide(call("email.send"), ledger).isBlocked()).isFalse();

        ledger.record("s-1", Optional.empty(), "crm.exportCustomers", Json.object());

        assertThat(policy.decide(call("email.send"), ledger).isBlocked()).isTrue();
        assertThat(policy.decide(call("email.send"), ledger).rule()).contains("session.called");
        assertThat(policy.usesHistory()).isTrue();
    }

    @Test
    void countsMatchToolGlobsAndOtherSessionsStayApart() {
        ledger.record("s-1", Optional.empty(), "crm.getAccount", Json.object());
        ledger.record("s-1", Optional.empty(), "crm.updateAccount", Json.object());
        ledger.record("s-2", Optional.empty(), "crm.getAccount", Json.object());
        assertThat(policy.decide(call("crm.getAccount"), ledger).isBlocked()).isFalse();

        ledger.record("s-1", Optional.empty(), "crm.getAccount", Json.object());

        assertThat(policy.decide(call("crm.getAccount"), ledger).isBlocked()).isTrue();
    }

    @Test
    void aForgottenTallyIsReadAgainFromTheSeed() {
        CallLedger small = new CallLedger(
                (scope, id, add) -> {
                    if (scope == CallLedger.Scope.SESSION && id.equals("s-1")) {
                        add.accept("crm.exportCustomers", Json.object());
                    }
                },
                1);
        small.record("s-9", Optional.empty(), "crm.getAccount", Json.object());

        assertThat(policy.decide(call("email.send"), small).isBlocked()).isTrue();
    }
}
