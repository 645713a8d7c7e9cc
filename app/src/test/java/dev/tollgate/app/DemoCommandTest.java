package dev.tollgate.app;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tollgate.audit.AuditQuery;
import dev.tollgate.audit.AuditRecord;
import dev.tollgate.audit.AuditStore;
import dev.tollgate.audit.AuditStores;
import dev.tollgate.json.Json;
import dev.tollgate.sample.agents.Transcript;
import dev.tollgate.sample.agents.TranscriptLine;
import dev.tollgate.sample.demo.DemoSummary;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;

/** {@code tollgate demo --headless} end to end: sample servers, the real engine, scripted agents, the H2 audit store. */
class DemoCommandTest {
    private static final int CALLS = 150;

    @TempDir
    Path dir;

    @Test
    void theHeadlessDemoBlocksDeniedToolsByRuleAndStopsTheRefundStorm() throws Exception {
        String url = "jdbc:h2:file:" + dir.resolve("audit").toString().replace('\\', '/');

        String output = runCapturingOutput(
                "demo",
                "--headless",
                "--calls",
                Integer.toString(CALLS),
                "--db",
                url,
                "--work-dir",
                dir.resolve("work").toString());

        assertThat(output).contains("listening on http://127.0.0.1:");
        assertThat(count(output, "calls")).isEqualTo(CALLS);
        long blockedByLimit = count(output, "blocked by limit");
        long blockedByBreaker = count(output, "blocked by breaker");
        assertThat(blockedByBreaker).as("the loop breaker tripped").isPositive();
        Matcher refunds = Pattern.compile("refund attempts: (\\d+), refunds that reached the payments server: (\\d+)")
                .matcher(output);
        assertThat(refunds.find()).as(output).isTrue();
        long attempts = Long.parseLong(refunds.group(1));
        long paidOut = Long.parseLong(refunds.group(2));
        assertThat(attempts).as("the agent kept retrying").isGreaterThan(100);
        assertThat(paidOut).as("refunds paid out while it retried").isBetween(1L, 10L);

        List<AuditRecord> records;
        try (AuditStore store = AuditStores.openExisting(url)) {
            records = store.query(AuditQuery.all());
        }
        assertThat(records).hasSize(CALLS);
        assertThat(count(output, "allowed") + count(output, "blocked by rule") + blockedByLimit + blockedByBreaker)
                .isEqualTo(CALLS);

        Map<String, Set<String>> toolsByConversation = Transcript.bundled().stream()
                .collect(Collectors.toMap(
                        Transcript::conversationId,
                        t -> t.toolCalls().stream().map(c -> c.tool()).collect(Collectors.toSet())));
        Set<String> transcriptConversations = new HashSet<>();
        Transcript.bundled()
                .forEach(t ->
                        t.lines().stream().map(TranscriptLine::conversationId).forEach(transcriptConversations::add));
        assertThat(records).allSatisfy(r -> {
            assertThat(r.conversationId())
                    .as("conversation of record %d", r.id())
                    .isPresent();
            assertThat(transcriptConversations).contains(r.conversationId().get());
            assertThat(toolsByConversation.get(r.conversationId().get())).contains(r.qualifiedTool());
        });

        assertBlockedByRule(records, "support-agent", "payments.getHistory", "role support deny payments.*");
        assertBlockedByRule(records, "support-agent", "payments.issueRefund", "role support deny payments.*");
        assertBlockedByRule(
                records,
                "billing-agent",
                "payments.updatePaymentMethod",
                "role billing deny payments.updatePaymentMethod");
        assertBlockedByRule(records, "onboarding-agent", "payments.updatePaymentMethod", "default deny");

        List<AuditRecord> storm = records.stream()
                .filter(r -> r.qualifiedTool().equals("payments.issueRefund")
                        && r.agentId().equals("billing-agent"))
                .collect(Collectors.toList());
        assertThat(storm.stream().filter(r -> !r.blocked()).count()).isEqualTo(paidOut);
        assertThat(storm)
                .filteredOn(r -> DemoSummary.guardOf(r) == DemoSummary.Guard.BREAKER)
                .isNotEmpty();
        assertThat(storm.stream()
                        .filter(AuditRecord::blocked)
                        .allMatch(r -> DemoSummary.guardOf(r) == DemoSummary.Guard.BREAKER
                                || DemoSummary.guardOf(r) == DemoSummary.Guard.LIMIT))
                .isTrue();

        // The agents wrote their conversations down as they ran: today's times, beside the calls they caused.
        Path recorded = dir.resolve("work").resolve("transcripts").resolve("conv-billing-2240.jsonl");
        List<JsonNode> turns =
                Files.readAllLines(recorded).stream().map(Json::parse).toList();
        Instant firstCall = storm.get(0).timestamp();
        assertThat(turns)
                .allSatisfy(t -> assertThat(t.path("conversationId").asString()).isEqualTo("conv-billing-2240"));
        assertThat(turns).anySatisfy(t -> {
            assertThat(t.path("role").asString()).isEqualTo("assistant");
            assertThat(t.path("toolCalls").path(0).path("tool").asString()).isEqualTo("payments.issueRefund");
            assertThat(Instant.parse(t.path("timestamp").asString())).isBetween(firstCall.minusSeconds(60), firstCall);
        });
        assertThat(turns).anySatisfy(t -> assertThat(t.path("text").asString()).startsWith(storm.size() + " attempts"));
    }

    @Test
    void lastMonthsHistoryIsWrittenFirstAndLeftOutOfTheRunsSummary() throws Exception {
        String url = "jdbc:h2:file:" + dir.resolve("with-history").toString().replace('\\', '/');

        String output = runCapturingOutput(
                "demo",
                "--headless",
                "--calls",
                "20",
                "--history",
                "300",
                "--db",
                url,
                "--work-dir",
                dir.resolve("work").toString());

        assertThat(count(output, "calls")).isEqualTo(20);
        try (AuditStore store = AuditStores.openExisting(url)) {
            assertThat(store.count(AuditQuery.all())).isEqualTo(320);
            assertThat(store.verify().intact()).isTrue();
        }
    }

    @Test
    void aNegativeCallBudgetIsRefusedBeforeAnythingStarts() {
        assertThat(Main.run(
                        "demo",
                        "--headless",
                        "--calls",
                        "-1",
                        "--work-dir",
                        dir.resolve("work").toString()))
                .isEqualTo(2);
        assertThat(dir.resolve("work")).doesNotExist();
    }

    private static void assertBlockedByRule(List<AuditRecord> records, String agent, String tool, String rule) {
        List<AuditRecord> calls = records.stream()
                .filter(r -> r.agentId().equals(agent) && r.qualifiedTool().equals(tool))
                .collect(Collectors.toList());
        assertThat(calls).as(agent + " calling " + tool).isNotEmpty().allSatisfy(r -> {
            assertThat(r.blocked()).isTrue();
            assertThat(r.rule()).isEqualTo(rule);
            assertThat(DemoSummary.guardOf(r)).isEqualTo(DemoSummary.Guard.RULE);
        });
    }

    private static long count(String output, String label) {
        Matcher m =
                Pattern.compile("(?m)^" + Pattern.quote(label) + ": (\\d+)$").matcher(output);
        assertThat(m.find()).as("'" + label + "' in:\n" + output).isTrue();
        return Long.parseLong(m.group(1));
    }

    private static String runCapturingOutput(String... args) {
        PrintStream original = System.out;
        ByteArrayOutputStream captured = new ByteArrayOutputStream();
        try (PrintStream capture = new PrintStream(captured, true, StandardCharsets.UTF_8)) {
            System.setOut(capture);
            int exit = Main.run(args);
            assertThat(exit).as(captured.toString(StandardCharsets.UTF_8)).isZero();
        } finally {
            System.setOut(original);
        }
        return captured.toString(StandardCharsets.UTF_8);
    }
}
