package dev.tollgate.ui.agents;

import java.time.Instant;
import java.util.List;
import java.util.OptionalInt;

/** One agent's use of one server over the chosen range, with its per-tool breakdown. */
public record UsageRow(
        String agentId,
        String server,
        long calls,
        long errors,
        long blocked,
        List<ToolUsage> tools,
        OptionalInt toolsAvailable) {
    public UsageRow {
        tools = List.copyOf(tools);
    }

    /** One tool's counts. */
    public record ToolUsage(String tool, long calls, long errors, long blocked, Instant lastUsed) {
        /** Of the calls that reached the server (blocked ones never did), the share that failed. */
        public double errorRate() {
            return calls - blocked == 0 ? 0 : errors / (double) (calls - blocked);
        }
    }

    /** Of the calls that reached the server (blocked ones never did), the share that failed. */
    public double errorRate() {
        return calls - blocked == 0 ? 0 : errors / (double) (calls - blocked);
    }

    public int toolsUsed() {
        return tools.size();
    }

    /** Tools the server offers that this agent never called in the range (when the tool count is known). */
    public OptionalInt neverUsed() {
        return toolsAvailable.isPresent()
                ? OptionalInt.of(Math.max(0, toolsAvailable.getAsInt() - tools.size()))
                : OptionalInt.empty();
    }

    /** Tools that failed at least once. */
    public long toolsErroring() {
        return tools.stream().filter(t -> t.errors() > 0).count();
    }
}
