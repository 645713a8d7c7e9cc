package dev.tollgate.history;

import dev.tollgate.policy.Glob;
import java.util.HashMap;
import java.util.Map;
import tools.jackson.databind.JsonNode;

/**
 * Counts and numeric argument totals per tool for one session or conversation. Kept as running totals rather
 * than a list of calls, so a condition costs the same on the ten-thousandth call of a refund storm as on the first.
 */
final class Tally implements HistoryView {
    private final Map<String, PerTool> tools = new HashMap<>();

    private static final class PerTool {
        long count;
        final Map<String, Double> sums = new HashMap<>();
    }

    synchronized void add(String tool, JsonNode arguments) {
        PerTool entry = tools.computeIfAbsent(tool, t -> new PerTool());
        entry.count++;
        if (arguments != null && arguments.isObject()) {
            for (Map.Entry<String, JsonNode> e : arguments.properties()) {
                if (e.getValue().isNumber()) {
                    entry.sums.merge(e.getKey(), e.getValue().doubleValue(), Double::sum);
                }
            }
        }
    }

    @Override
    public synchronized long count(String tool) {
        if (!tool.contains("*")) {
            PerTool entry = tools.get(tool);
            return entry == null ? 0 : entry.count;
        }
        Glob glob = Glob.of(tool);
        long n = 0;
        for (Map.Entry<String, PerTool> e : tools.entrySet()) {
            if (glob.matches(e.getKey())) {
                n += e.getValue().count;
            }
        }
        return n;
    }

    @Override
    public synchronized double sum(String tool, String argument) {
        if (!tool.contains("*")) {
            PerTool entry = tools.get(tool);
            return entry == null ? 0 : entry.sums.getOrDefault(argument, 0.0);
        }
        Glob glob = Glob.of(tool);
        double total = 0;
        for (Map.Entry<String, PerTool> e : tools.entrySet()) {
            if (glob.matches(e.getKey())) {
                total += e.getValue().sums.getOrDefault(argument, 0.0);
            }
        }
        return total;
    }
}
