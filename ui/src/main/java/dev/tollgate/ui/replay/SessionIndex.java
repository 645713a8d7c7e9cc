package dev.tollgate.ui.replay;

import dev.tollgate.audit.AuditRecord;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** Groups audited calls and transcript turns into the conversations (or MCP sessions) Replay lists, newest first. */
final class SessionIndex {
    private SessionIndex() {}

    static List<SessionSummary> summarize(List<AuditRecord> records, Map<String, List<TranscriptTurn>> turns) {
        final class Acc {
            final Set<String> agents = new HashSet<>();
            final Set<String> users = new HashSet<>();
            Instant first = Instant.MAX;
            Instant last = Instant.MIN;
            long calls;
            long blocked;
            long turnCount;

            void at(Instant t) {
                if (t.isBefore(first)) {
                    first = t;
                }
                if (t.isAfter(last)) {
                    last = t;
                }
            }
        }
        Map<String, Acc> byKey = new LinkedHashMap<>();
        for (AuditRecord r : records) {
            String key = r.conversationId().map(c -> "C" + c).orElse("S" + r.sessionId());
            Acc a = byKey.computeIfAbsent(key, k -> new Acc());
            a.agents.add(r.agentId());
            r.user().ifPresent(a.users::add);
            a.at(r.timestamp());
            a.calls++;
            if (r.blocked()) {
                a.blocked++;
            }
        }
        for (Map.Entry<String, List<TranscriptTurn>> t : turns.entrySet()) {
            Acc a = byKey.computeIfAbsent("C" + t.getKey(), k -> new Acc());
            for (TranscriptTurn turn : t.getValue()) {
                a.at(turn.timestamp());
                a.turnCount++;
            }
        }
        List<SessionSummary> out = new ArrayList<>();
        byKey.forEach((key, a) -> out.add(new SessionSummary(
                key.charAt(0) == 'C' ? SessionSummary.Kind.CONVERSATION : SessionSummary.Kind.SESSION,
                key.substring(1),
                a.agents,
                a.users,
                a.first,
                a.last,
                a.calls,
                a.blocked,
                a.turnCount)));
        out.sort(Comparator.comparing(SessionSummary::last).reversed());
        return out;
    }
}
