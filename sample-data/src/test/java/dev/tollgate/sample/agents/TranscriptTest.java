package dev.tollgate.sample.agents;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.Test;

class TranscriptTest {
    @Test
    void theBundledConversationsCoverTheThreeAgentsAndTheIncident() {
        List<Transcript> all = Transcript.bundled();

        assertThat(all).extracting(Transcript::agentId).contains("billing-agent", "onboarding-agent", "support-agent");
        assertThat(all).extracting(Transcript::conversationId).doesNotHaveDuplicates();
        assertThat(all.get(all.size() - 1).name()).isEqualTo(DemoScenario.INCIDENT);
        Transcript incident = Transcript.resource(DemoScenario.INCIDENT);
        assertThat(incident.toolCalls())
                .filteredOn(TranscriptToolCall::retryUntilConfirmed)
                .extracting(TranscriptToolCall::tool)
                .containsExactly("payments.issueRefund");
    }

    @Test
    void aBrokenLineIsReportedWithItsFileAndLineNumber() {
        List<String> lines = List.of(
                "{\"conversationId\":\"c1\",\"timestamp\":\"2026-10-14T09:00:00Z\",\"role\":\"user\",\"text\":\"hi\"}",
                "{\"conversationId\":\"c1\",\"role\":\"assistant\"}");

        assertThatThrownBy(() -> Transcript.parse("x.jsonl", "billing-agent", lines))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("x.jsonl:2: ")
                .hasMessageContaining("timestamp");
    }

    @Test
    void aTranscriptMixingConversationsIsRefused() {
        List<String> lines = List.of(
                "{\"conversationId\":\"c1\",\"timestamp\":\"2026-10-14T09:00:00Z\",\"role\":\"user\"}",
                "{\"conversationId\":\"c2\",\"timestamp\":\"2026-10-14T09:00:01Z\",\"role\":\"user\"}");

        assertThatThrownBy(() -> Transcript.parse("x.jsonl", "billing-agent", lines))
                .hasMessageContaining("mixes conversations c1 and c2");
    }
}
