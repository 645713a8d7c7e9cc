package dev.tollgate.ui.export;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tollgate.audit.AuditRecord;
import dev.tollgate.json.Json;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;

class ExporterTest {
    @TempDir
    Path dir;

    private static AuditRecord refund() {
        return new AuditRecord(
                7,
                Instant.parse("2026-10-14T09:12:00Z"),
                "billing-agent",
                "mcp-1",
                Optional.of("ann"),
                "payments",
                "issueRefund",
                Json.parse("{\"orderId\":\"O-42\",\"note\":\"late, \\\"again\\\"\\nsorry\"}"),
                "blocked",
                "limit payments.issueRefund 10/min",
                Optional.of("tollgate.yaml:31"),
                "retry later",
                "error",
                1.5,
                0,
                Optional.of("conv-9"),
                Optional.empty(),
                "prev",
                "hash");
    }

    @Test
    void jsonLinesCarryEveryAuditFieldOneRecordPerLine() throws Exception {
        Path file = dir.resolve("calls.jsonl");
        Exporter.writeJsonl(List.of(refund(), refund()), file);

        List<String> lines = Files.readAllLines(file);
        assertThat(lines).hasSize(2);
        JsonNode first = Json.parse(lines.get(0));
        assertThat(first.get("agentId").asString()).isEqualTo("billing-agent");
        assertThat(first.get("tool").asString()).isEqualTo("issueRefund");
        assertThat(first.get("decision").asString()).isEqualTo("blocked");
        assertThat(first.get("ruleSource").asString()).isEqualTo("tollgate.yaml:31");
        assertThat(first.get("arguments").get("orderId").asString()).isEqualTo("O-42");
        assertThat(first.get("conversationId").asString()).isEqualTo("conv-9");
        assertThat(first.get("result").isNull()).isTrue();
    }

    @Test
    void csvQuotesCellsWithCommasQuotesAndNewlines() throws Exception {
        Path file = dir.resolve("calls.csv");
        Exporter.writeCsv(List.of(refund()), file);

        String text = Files.readString(file);
        assertThat(text).startsWith("id,timestamp,agentId,sessionId,user,server,tool,decision,rule,");
        assertThat(text)
                .contains("\"{\"\"orderId\"\":\"\"O-42\"\",\"\"note\"\":\"\"late, \\\"\"again\\\"\"\\nsorry\"\"}\"");
        assertThat(Exporter.csvCell("plain")).isEqualTo("plain");
        assertThat(Exporter.csvCell("a,b")).isEqualTo("\"a,b\"");
        assertThat(Exporter.csvCell("say \"hi\"")).isEqualTo("\"say \"\"hi\"\"\"");
    }
}
