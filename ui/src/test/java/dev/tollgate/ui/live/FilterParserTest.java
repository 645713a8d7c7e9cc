package dev.tollgate.ui.live;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.tollgate.audit.AuditQuery;
import dev.tollgate.audit.AuditRecord;
import dev.tollgate.json.Json;
import java.time.Instant;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class FilterParserTest {

    private static AuditRecord record(
            String agent, String server, String tool, String decision, double latency, String args) {
        return new AuditRecord(
                1,
                Instant.parse("2026-11-25T10:00:00Z"),
                agent,
                "s-1",
                Optional.of("ann"),
                server,
                tool,
                Json.parse(args),
                decision,
                "role billing deny payments.issueRefund",
                Optional.of("tollgate.yaml:12"),
                "",
                "blocked".equals(decision) ? "error" : "success",
                latency,
                10,
                Optional.of("conv-7"),
                Optional.empty(),
                "",
                "");
    }

    @Test
    void combinesFieldsGlobsDecisionAndLatency() throws Exception {
        CallFilter f = FilterParser.parse("agent:billing tool:payments.* decision:blocked latency>500ms");

        assertThat(f.test(record("billing", "payments", "issueRefund", "blocked", 800, "{}")))
                .isTrue();
        assertThat(f.test(record("billing", "payments", "issueRefund", "blocked", 200, "{}")))
                .isFalse();
        assertThat(f.test(record("billing", "crm", "getAccount", "blocked", 800, "{}")))
                .isFalse();
        assertThat(f.test(record("support", "payments", "issueRefund", "blocked", 800, "{}")))
                .isFalse();
        assertThat(f.test(record("billing", "payments", "issueRefund", "allowed", 800, "{}")))
                .isFalse();
    }

    @Test
    void quotedTextSearchesArgumentsCaseInsensitively() throws Exception {
        CallFilter f = FilterParser.parse("\"Order 42\"");

        assertThat(f.words()).containsExactly("Order 42");
        assertThat(f.test(record("a", "crm", "t", "allowed", 1, "{\"note\":\"order 42 late\"}")))
                .isTrue();
        assertThat(f.test(record("a", "crm", "t", "allowed", 1, "{\"note\":\"order 43\"}")))
                .isFalse();
    }

    @Test
    void latencyUnitsAndUpperBounds() throws Exception {
        CallFilter f = FilterParser.parse("latency<2s latency>=100");

        assertThat(f.test(record("a", "crm", "t", "allowed", 100, "{}"))).isTrue();
        assertThat(f.test(record("a", "crm", "t", "allowed", 1999, "{}"))).isTrue();
        assertThat(f.test(record("a", "crm", "t", "allowed", 2000, "{}"))).isFalse();
        assertThat(f.test(record("a", "crm", "t", "allowed", 99, "{}"))).isFalse();
    }

    @Test
    void exactFieldsGoToTheStoreQueryAndGlobsDoNot() throws Exception {
        AuditQuery q = FilterParser.parse("agent:billing user:an* tool:payments.* decision:blocked refund")
                .toQuery()
                .build();

        assertThat(q.agent()).contains("billing");
        assertThat(q.user()).isEmpty();
        assertThat(q.tool()).contains("payments.*");
        assertThat(q.decision()).contains("blocked");
        assertThat(q.text()).contains("refund");
    }

    @Test
    void emptyTextMatchesEverything() throws Exception {
        assertThat(FilterParser.parse("   ").isEmpty()).isTrue();
    }

    @Test
    void unknownFieldNamesItsPosition() {
        assertThatThrownBy(() -> FilterParser.parse("agent:a colour:red"))
                .isInstanceOf(FilterSyntaxException.class)
                .hasMessageContaining("unknown field 'colour'")
                .satisfies(
                        e -> assertThat(((FilterSyntaxException) e).position()).isEqualTo(8));
    }

    @Test
    void badDecisionUnterminatedQuoteAndBadLatencyAreErrors() {
        assertThatThrownBy(() -> FilterParser.parse("decision:maybe")).hasMessageContaining("allowed, blocked");
        assertThatThrownBy(() -> FilterParser.parse("\"open")).hasMessageContaining("unterminated quote");
        assertThatThrownBy(() -> FilterParser.parse("latency=5")).hasMessageContaining("latency needs a comparison");
        assertThatThrownBy(() -> FilterParser.parse("agent:")).hasMessageContaining("needs a value");
    }

    @Test
    void quotedFieldValueMayContainSpaces() throws Exception {
        CallFilter f = FilterParser.parse("agent:\"billing agent\"");

        assertThat(f.test(record("billing agent", "crm", "t", "allowed", 1, "{}")))
                .isTrue();
    }
}
