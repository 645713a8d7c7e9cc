package dev.tollgate.ui.replay;

import dev.tollgate.audit.AuditRecord;
import dev.tollgate.engine.CallReplayer;
import dev.tollgate.json.Json;
import dev.tollgate.ui.policy.LineDiff;
import java.util.List;
import java.util.stream.Collectors;

/** A recorded call's result next to the result of re-sending it now, with the line diff between them. */
public record ResendComparison(
        AuditRecord record, String recordedResult, String newResult, List<LineDiff.Line> diff, String summary) {
    public ResendComparison {
        diff = List.copyOf(diff);
    }

    static ResendComparison of(AuditRecord record, CallReplayer.Resent resent) {
        String recorded = record.result().map(Json::pretty).orElse("(no result recorded)");
        String now = Json.pretty(resent.outcome().result());
        List<LineDiff.Line> diff = LineDiff.diff(recorded, now);
        String summary = "Re-sent " + record.qualifiedTool() + ": "
                + resent.outcome().decision().verdict().wire()
                + ", " + resent.outcome().status().wire()
                + resent.auditRecordId()
                        .map(id -> " (audit record #" + id + ")")
                        .orElse("")
                + (LineDiff.changed(diff)
                        ? "; the result differs from the recorded one."
                        : "; same result as recorded.");
        return new ResendComparison(record, recorded, now, diff, summary);
    }

    /** The diff as text, one line each, marked {@code +}/{@code -} for lines only in the new/recorded result. */
    public String diffText() {
        return diff.stream().map(LineDiff.Line::toString).collect(Collectors.joining("\n"));
    }
}
