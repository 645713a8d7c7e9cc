package dev.tollgate.ui.replay;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TranscriptImporterTest {
    @TempDir
    Path dir;

    @Test
    void readsCamelAndSnakeCaseAndReportsBadLinesByNumber() throws Exception {
        Path file = Files.writeString(
                dir.resolve("t.jsonl"),
                String.join(
                        "\n",
                        "{\"conversationId\":\"c1\",\"timestamp\":\"2026-10-14T09:12:00Z\",\"role\":\"user\",\"text\":\"refund O-42\"}",
                        "",
                        "{\"conversation_id\":\"c1\",\"timestamp\":1792000000000,\"role\":\"assistant\",\"text\":\"on it\"}",
                        "{\"timestamp\":\"2026-10-14T09:12:00Z\",\"role\":\"user\",\"text\":\"no conversation\"}",
                        "{\"conversationId\":\"c1\",\"timestamp\":\"yesterday\",\"role\":\"user\",\"text\":\"x\"}",
                        "[1,2",
                        "{\"conversationId\":\"c2\",\"timestamp\":\"2026-10-14T11:12:00+02:00\",\"role\":\"tool\",\"text\":\"ok\"}"));

        TranscriptImporter.Result result = TranscriptImporter.read(file);

        assertThat(result.turns())
                .containsExactly(
                        new TranscriptTurn("c1", Instant.parse("2026-10-14T09:12:00Z"), "user", "refund O-42"),
                        new TranscriptTurn("c1", Instant.ofEpochMilli(1792000000000L), "assistant", "on it"),
                        new TranscriptTurn("c2", Instant.parse("2026-10-14T09:12:00Z"), "tool", "ok"));
        assertThat(result.problems())
                .containsExactly(
                        "t.jsonl:4: missing conversationId",
                        "t.jsonl:5: timestamp 'yesterday' is not ISO-8601 or epoch milliseconds",
                        "t.jsonl:6: not a JSON object");
    }

    @Test
    void mergePutsTurnsBeforeCallsAtTheSameInstant() {
        Instant t = Instant.parse("2026-10-14T09:12:00Z");
        List<TimelineEntry> merged = ReplayViewModel.merge(
                List.of(
                        new TranscriptTurn("c", t.plusSeconds(2), "assistant", "b"),
                        new TranscriptTurn("c", t, "user", "a")),
                List.of());

        assertThat(merged).extracting(TimelineEntry::at).containsExactly(t, t.plusSeconds(2));
    }
}
