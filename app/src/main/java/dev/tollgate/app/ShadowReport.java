package dev.tollgate.app;

import dev.tollgate.audit.AuditQuery;
import dev.tollgate.audit.AuditStore;
import dev.tollgate.audit.AuditStores;
import dev.tollgate.audit.AuditUnavailableException;
import dev.tollgate.audit.JdbcAuditStore;
import dev.tollgate.config.ConfigException;
import dev.tollgate.config.TollgateConfig;
import dev.tollgate.shadow.ShadowSettings;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code tollgate policy shadow-report --config FILE [--from T]}: where the shadow candidate disagreed, from the store. */
@Command(
        name = "shadow-report",
        description = "Summarise the recorded calls where the shadow candidate disagreed " + "with the running policy.")
final class ShadowReport implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Option(names = "--config", required = true, paramLabel = "FILE", description = "the running configuration")
    Path config;

    @Option(names = "--from", paramLabel = "ISO-8601", description = "first recorded time to look at")
    String from;

    @Option(
            names = "--sample",
            paramLabel = "N",
            defaultValue = "20",
            description = "disagreements to list (default 20)")
    int sample;

    /** Per agent and tool: how many the candidate would block, and allow. */
    private record Pair(String agent, String tool) implements Comparable<Pair> {
        @Override
        public int compareTo(Pair o) {
            int a = agent.compareTo(o.agent);
            return a != 0 ? a : tool.compareTo(o.tool);
        }
    }

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        TollgateConfig loaded;
        Instant since;
        try {
            loaded = PolicyCommand.loadForCheck(config, new TreeSet<>());
            since = from == null ? null : IsoTime.parse("--from", from);
        } catch (ConfigException e) {
            err.println(e.getMessage());
            err.flush();
            return 2;
        } catch (IllegalArgumentException e) {
            err.println(e.getMessage());
            err.flush();
            return 2;
        }
        String candidate = ShadowSettings.candidate(loaded)
                .map(p -> p.getFileName().toString())
                .orElse("(the configuration names no shadow now)");
        long[] total = new long[1];
        Map<Pair, long[]> counts = new TreeMap<>();
        List<String> listed = new ArrayList<>();
        try (JdbcAuditStore store = AuditStores.openExisting(loaded.auditUrl())) {
            scan(
                    store,
                    AuditQuery.builder().limit(Integer.MAX_VALUE).from(since).build(),
                    total,
                    counts,
                    listed);
        } catch (AuditUnavailableException e) {
            err.println(
                    "cannot open the audit store " + AuditStores.redactUrl(loaded.auditUrl()) + ": " + e.getMessage());
            err.flush();
            return 2;
        }
        long wouldBlock = counts.values().stream().mapToLong(c -> c[0]).sum();
        long wouldAllow = counts.values().stream().mapToLong(c -> c[1]).sum();
        out.printf(
                Locale.ROOT,
                "Shadow %s disagreed on %d of %d recorded calls%s.%n",
                candidate,
                wouldBlock + wouldAllow,
                total[0],
                since == null ? "" : " since " + since);
        if (wouldBlock + wouldAllow == 0) {
            out.flush();
            return 0;
        }
        out.printf(
                Locale.ROOT,
                "%d the running policy allowed would be blocked; %d it blocked would be allowed.%n%n",
                wouldBlock,
                wouldAllow);
        int agentWidth = Math.max(
                5,
                counts.keySet().stream().mapToInt(p -> p.agent().length()).max().orElse(5));
        int toolWidth = Math.max(
                4,
                counts.keySet().stream().mapToInt(p -> p.tool().length()).max().orElse(4));
        String row = "%-" + agentWidth + "s  %-" + toolWidth + "s  %11s  %11s%n";
        out.printf(Locale.ROOT, row, "AGENT", "TOOL", "WOULD-BLOCK", "WOULD-ALLOW");
        counts.forEach((pair, c) -> out.printf(Locale.ROOT, row, pair.agent(), pair.tool(), c[0], c[1]));
        out.printf(Locale.ROOT, "%nDisagreements (first %d):%n", listed.size());
        listed.forEach(line -> out.println("  " + line));
        out.flush();
        return 0;
    }

    private void scan(AuditStore store, AuditQuery query, long[] total, Map<Pair, long[]> counts, List<String> listed) {
        store.scan(query, r -> {
            total[0]++;
            if (r.shadowDecision().isEmpty()) {
                return;
            }
            String shadow = r.shadowDecision().get();
            long[] c = counts.computeIfAbsent(new Pair(r.agentId(), r.qualifiedTool()), k -> new long[2]);
            c["blocked".equals(shadow) ? 0 : 1]++;
            if (listed.size() < sample) {
                listed.add(String.format(
                        Locale.ROOT,
                        "#%d %s %s %s: %s by %s; candidate: %s by %s",
                        r.id(),
                        r.timestamp(),
                        r.agentId(),
                        r.qualifiedTool(),
                        r.decision(),
                        r.rule(),
                        shadow,
                        r.shadowRule().orElse("")));
            }
        });
    }
}
