package dev.tollgate.ui.replay;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tollgate.audit.AuditRecord;
import dev.tollgate.json.Json;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** A transcript from last month lines up with today's calls by the tools its turns called, not by clock. */
class TimelineMergeTest {
    private static final Instant TODAY = Instant.parse("2026-11-30T10:00:00Z");
    private static final Instant OCTOBER = Instant.parse("2026-10-14T09:30:00Z");

    @Test
    void turnsThatNameToolsSitRightBeforeTheCallsTheyCausedWithRetriesAfterThem() {
        List<TranscriptTurn> turns = List.of(
                turn(0, "user", "refund my duplicate charge"),
                turn(7, "assistant", "Let me pull up your account.", "crm.getAccount"),
                turn(35, "assistant", "Refunding O-5005 now.", "payments.issueRefund"),
                turn(60, "assistant", "Done, sorry for the wait."));
        List<AuditRecord> calls = List.of(
                call(1, 0, "crm.getAccount"),
                call(2, 5, "payments.issueRefund"),
                call(3, 6, "payments.issueRefund"),
                call(4, 7, "payments.issueRefund"));

        List<String> steps = TimelineMerge.merge(turns, calls).stream()
                .map(TimelineMergeTest::label)
                .toList();

        assertThat(steps)
                .containsExactly(
                        "user",
                        "assistant crm.getAccount",
                        "#1",
                        "assistant payments.issueRefund",
                        "#2",
                        "#3",
                        "#4",
                        "assistant");
    }

    @Test
    void turnsThatNameNoToolsAreMergedByTime() {
        List<TimelineEntry> merged = TimelineMerge.merge(
                List.of(new TranscriptTurn("c", TODAY.plusSeconds(2), "user", "b")),
                List.of(call(1, 1, "crm.getAccount"), call(2, 3, "crm.getAccount")));

        assertThat(merged.stream().map(TimelineMergeTest::label)).containsExactly("#1", "user", "#2");
    }

    private static TranscriptTurn turn(int second, String role, String text, String... tools) {
        return new TranscriptTurn("conv-1", OCTOBER.plusSeconds(second), role, text, List.of(tools));
    }

    private static AuditRecord call(long id, int second, String tool) {
        int dot = tool.indexOf('.');
        return new AuditRecord(
                id,
                TODAY.plusSeconds(second),
                "billing-agent",
                "s1",
                Optional.empty(),
                tool.substring(0, dot),
                tool.substring(dot + 1),
                Json.object(),
                "allowed",
                "role billing",
                Optional.empty(),
                "",
                "success",
                1,
                0,
                Optional.of("conv-1"),
                Optional.empty(),
                "",
                "");
    }

    private static String label(TimelineEntry e) {
        if (e instanceof TimelineEntry.Call c) {
            return "#" + c.record().id();
        }
        TranscriptTurn t = ((TimelineEntry.Turn) e).turn();
        return t.tools().isEmpty() ? t.role() : t.role() + " " + String.join(" ", t.tools());
    }
}
