package dev.tollgate.ui.replay;

import dev.tollgate.audit.AuditRecord;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * Puts a conversation's transcript turns and its audited calls on one time line. A transcript whose turns
 * name the tools they called is lined up by those calls, not by wall clock (a transcript written on another
 * machine, or last month, still sits beside its calls): each such turn comes right before the first call
 * it caused, retries follow it, and the turns between keep their order. Turns that name no tools are merged
 * by timestamp.
 */
final class TimelineMerge {
    private TimelineMerge() {}

    static List<TimelineEntry> merge(List<TranscriptTurn> turns, List<AuditRecord> calls) {
        List<AuditRecord> ordered = new ArrayList<>(calls);
        ordered.sort(Comparator.comparing(AuditRecord::timestamp).thenComparing(AuditRecord::id));
        List<TranscriptTurn> script = new ArrayList<>(turns);
        script.sort(Comparator.comparing(TranscriptTurn::timestamp));
        if (script.stream().allMatch(t -> t.tools().isEmpty())) {
            return byTime(script, ordered);
        }
        List<TimelineEntry> out = new ArrayList<>(script.size() + ordered.size());
        int next = 0;
        String lastTool = null;
        for (TranscriptTurn turn : script) {
            if (turn.tools().isEmpty()) {
                // The previous tool's retries belong before whatever was said next.
                while (next < ordered.size()
                        && ordered.get(next).qualifiedTool().equals(lastTool)) {
                    out.add(new TimelineEntry.Call(ordered.get(next++)));
                }
                out.add(new TimelineEntry.Turn(turn));
                continue;
            }
            boolean turnShown = false;
            for (String tool : turn.tools()) {
                int match = find(ordered, next, tool);
                if (match < 0) {
                    continue;
                }
                while (next < match) {
                    out.add(new TimelineEntry.Call(ordered.get(next++)));
                }
                if (!turnShown) {
                    out.add(new TimelineEntry.Turn(turn));
                    turnShown = true;
                }
                out.add(new TimelineEntry.Call(ordered.get(next++)));
                lastTool = tool;
            }
            if (!turnShown) {
                out.add(new TimelineEntry.Turn(turn));
            }
        }
        while (next < ordered.size()) {
            out.add(new TimelineEntry.Call(ordered.get(next++)));
        }
        return out;
    }

    private static int find(List<AuditRecord> calls, int from, String tool) {
        for (int i = from; i < calls.size(); i++) {
            if (calls.get(i).qualifiedTool().equals(tool)) {
                return i;
            }
        }
        return -1;
    }

    /** Turns and calls in timestamp order; at equal times the turn comes first (it prompted the call). */
    private static List<TimelineEntry> byTime(List<TranscriptTurn> turns, List<AuditRecord> calls) {
        List<TimelineEntry> all = new ArrayList<>(turns.size() + calls.size());
        turns.forEach(t -> all.add(new TimelineEntry.Turn(t)));
        calls.forEach(c -> all.add(new TimelineEntry.Call(c)));
        all.sort(Comparator.comparing(TimelineEntry::at)
                .thenComparing(e -> e instanceof TimelineEntry.Call ? 1 : 0)
                .thenComparing(
                        e -> e instanceof TimelineEntry.Call c ? c.record().id() : 0L));
        return all;
    }
}
