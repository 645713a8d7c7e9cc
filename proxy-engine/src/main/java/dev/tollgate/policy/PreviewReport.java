package dev.tollgate.policy;

import java.time.Duration;
import java.time.Instant;
import java.util.List;

/**
 * What a candidate policy would change over recorded history: counts per agent and tool, and the
 * changed calls themselves (capped at {@code changes().size()} ≤ the requested sample size).
 */
public record PreviewReport(
        long evaluated,
        long allowedToBlocked,
        long blockedToAllowed,
        List<ChangeCount> counts,
        List<ChangedCall> changes,
        Duration took) {
    public PreviewReport {
        counts = List.copyOf(counts);
        changes = List.copyOf(changes);
    }

    /** Changes for one agent and tool. */
    public record ChangeCount(String agentId, String tool, long allowedToBlocked, long blockedToAllowed) {}

    /** One recorded call whose decision would change, with the rule that would now decide it. */
    public record ChangedCall(
            long recordId,
            Instant timestamp,
            String agentId,
            String tool,
            String before,
            String after,
            String newRule) {}
}
