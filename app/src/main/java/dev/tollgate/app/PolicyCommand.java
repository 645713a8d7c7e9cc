package dev.tollgate.app;

import dev.tollgate.audit.AuditQuery;
import dev.tollgate.audit.AuditStores;
import dev.tollgate.audit.AuditUnavailableException;
import dev.tollgate.audit.JdbcAuditStore;
import dev.tollgate.config.ConfigException;
import dev.tollgate.config.ConfigLoader;
import dev.tollgate.config.TollgateConfig;
import dev.tollgate.engine.SecuritySections;
import dev.tollgate.pinning.LockFile;
import dev.tollgate.pinning.PinningSettings;
import dev.tollgate.pipeline.ToolAnnotations;
import dev.tollgate.policy.CompiledPolicy;
import dev.tollgate.policy.PolicyPreview;
import dev.tollgate.policy.PolicyReferences;
import dev.tollgate.policy.PreviewReport;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code tollgate policy check|preview}: validate a policy file, or replay recorded calls through it. */
@Command(
        name = "policy",
        description = "Check a policy file, preview it against recorded calls, or report where "
                + "its shadow candidate disagreed.",
        subcommands = {PolicyCommand.Check.class, PolicyCommand.Preview.class, ShadowReport.class})
public final class PolicyCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        spec.commandLine().usage(spec.commandLine().getErr());
        return 2;
    }

    /**
     * Loads the file for checking: an unset {@code ${env:NAME}} is a deployment matter, not a policy
     * problem, so it is reported as a note and replaced by an empty value.
     */
    static TollgateConfig loadForCheck(Path file, Set<String> unsetVariables) {
        return new ConfigLoader(name -> {
                    String value = System.getenv(name);
                    if (value == null) {
                        unsetVariables.add(name);
                        return Optional.of("");
                    }
                    return Optional.of(value);
                })
                .load(file);
    }

    /** A configuration file that is not there is a usage error (exit 2), not a policy problem (exit 1). */
    static int missing(PrintWriter err, Path file) {
        err.println(file + ": no such configuration file");
        err.flush();
        return 2;
    }

    /** {@code tollgate policy check --config FILE}. */
    @Command(
            name = "check",
            description = {
                "Validate a configuration: unknown keys, policy rules, roles agents name but",
                "nobody defines, servers tool patterns name but nobody defines. Prints file:line: message per problem, exit 1."
            })
    static final class Check implements Callable<Integer> {
        @Spec
        CommandSpec spec;

        @Option(names = "--config", required = true, paramLabel = "FILE", description = "the configuration file")
        Path config;

        @Override
        public Integer call() {
            PrintWriter out = spec.commandLine().getOut();
            PrintWriter err = spec.commandLine().getErr();
            if (!Files.isRegularFile(config)) {
                return missing(err, config);
            }
            Set<String> unset = new TreeSet<>();
            List<ConfigException> problems = new ArrayList<>();
            TollgateConfig loaded = null;
            try {
                loaded = loadForCheck(config, unset);
                problems.addAll(CompiledPolicy.check(loaded));
                problems.addAll(PolicyReferences.check(loaded, offeredTools(loaded)));
                problems.addAll(SecuritySections.check(loaded));
                problems.sort(Comparator.comparingInt(ConfigException::line));
            } catch (ConfigException e) {
                problems.add(e);
            }
            for (ConfigException problem : problems) {
                err.println(problem.getMessage());
            }
            for (String name : unset) {
                err.println("note: environment variable " + name + " is not set; serve will need it");
            }
            err.flush();
            if (!problems.isEmpty()) {
                out.flush();
                return 1;
            }
            CompiledPolicy policy = CompiledPolicy.from(loaded);
            long rules = loaded.root().path("roles").size();
            out.printf(
                    Locale.ROOT,
                    "%s: OK (%d roles, %d agents, %d limits)%n",
                    config,
                    rules,
                    loaded.agents().size(),
                    policy.limits().size());
            out.flush();
            return 0;
        }
    }

    /** {@code tollgate policy preview --config FILE [--db URL] [--from T] [--to T]}. */
    @Command(
            name = "preview",
            description = "Replay recorded calls through the policy in FILE and print which decisions would change.")
    static final class Preview implements Callable<Integer> {
        @Spec
        CommandSpec spec;

        @Option(names = "--config", required = true, paramLabel = "FILE", description = "the candidate configuration")
        Path config;

        @Option(
                names = "--db",
                paramLabel = "JDBC_URL",
                description = "the audit store (default: the configuration's audit.url)")
        String db;

        @Option(names = "--from", paramLabel = "ISO-8601", description = "first recorded time to replay")
        String from;

        @Option(names = "--to", paramLabel = "ISO-8601", description = "last recorded time to replay")
        String to;

        @Option(
                names = "--sample",
                paramLabel = "N",
                defaultValue = "20",
                description = "changed calls to list (default 20)")
        int sample;

        @Override
        public Integer call() {
            PrintWriter out = spec.commandLine().getOut();
            PrintWriter err = spec.commandLine().getErr();
            if (!Files.isRegularFile(config)) {
                return missing(err, config);
            }
            Set<String> unset = new TreeSet<>();
            CompiledPolicy candidate;
            AuditQuery range;
            try {
                TollgateConfig loaded = loadForCheck(config, unset);
                candidate = CompiledPolicy.from(loaded);
                range = AuditQuery.builder()
                        .limit(Integer.MAX_VALUE)
                        .from(instant(from, "--from"))
                        .to(instant(to, "--to"))
                        .build();
                if (db == null) {
                    db = loaded.auditUrl();
                }
            } catch (ConfigException e) {
                err.println(e.getMessage());
                err.flush();
                return 1;
            } catch (IllegalArgumentException e) {
                err.println(e.getMessage());
                err.flush();
                return 2;
            }
            PreviewReport report;
            try (JdbcAuditStore store = AuditStores.openExisting(db);
                    Terminal.Progress progress = Terminal.progress("replaying recorded calls through " + config)) {
                report = new PolicyPreview(candidate, tool -> ToolAnnotations.NONE, Math.max(0, sample))
                        .run(store, range);
            } catch (AuditUnavailableException e) {
                err.println("cannot open the audit store " + AuditStores.redactUrl(db) + ": " + e.getMessage());
                err.flush();
                return 2;
            }
            print(report, out);
            out.flush();
            return 0;
        }

        private static Instant instant(String text, String option) {
            return text == null ? null : IsoTime.parse(option, text);
        }

        private void print(PreviewReport report, PrintWriter out) {
            out.printf(
                    Locale.ROOT,
                    "Replayed %d recorded calls through %s in %.2f s.%n",
                    report.evaluated(),
                    config,
                    report.took().toMillis() / 1000.0);
            if (report.allowedToBlocked() == 0 && report.blockedToAllowed() == 0) {
                out.println("No recorded decision would change.");
                return;
            }
            out.printf(
                    Locale.ROOT,
                    "%d would now be blocked (allowed -> blocked), %d would now be allowed (blocked -> allowed).%n%n",
                    report.allowedToBlocked(),
                    report.blockedToAllowed());
            int agentWidth = Math.max(
                    5,
                    report.counts().stream()
                            .mapToInt(c -> c.agentId().length())
                            .max()
                            .orElse(5));
            int toolWidth = Math.max(
                    4,
                    report.counts().stream()
                            .mapToInt(c -> c.tool().length())
                            .max()
                            .orElse(4));
            String row = "%-" + agentWidth + "s  %-" + toolWidth + "s  %15s  %15s%n";
            out.printf(Locale.ROOT, row, "AGENT", "TOOL", "ALLOWED->BLOCKED", "BLOCKED->ALLOWED");
            for (PreviewReport.ChangeCount c : report.counts()) {
                out.printf(Locale.ROOT, row, c.agentId(), c.tool(), c.allowedToBlocked(), c.blockedToAllowed());
            }
            if (!report.changes().isEmpty()) {
                out.printf(
                        Locale.ROOT,
                        "%nChanged calls (first %d):%n",
                        report.changes().size());
                for (PreviewReport.ChangedCall c : report.changes()) {
                    out.printf(
                            Locale.ROOT,
                            "  #%d %s %s %s: %s -> %s by %s%n",
                            c.recordId(),
                            c.timestamp(),
                            c.agentId(),
                            c.tool(),
                            c.before(),
                            c.after(),
                            c.newRule());
                }
            }
        }
    }

    /**
     * The tools each server offered when a running Tollgate last saw it, from the pinning lock file; empty (no tool
     * check) when there is no lock file yet or it cannot be read.
     */
    static Map<String, Set<String>> offeredTools(TollgateConfig config) {
        Map<String, Set<String>> offered = new TreeMap<>();
        try {
            Optional<Path> lock = PinningSettings.from(config).file();
            if (lock.isPresent()) {
                for (String tool : LockFile.read(lock.get()).keySet()) {
                    int dot = tool.indexOf('.');
                    if (dot > 0) {
                        offered.computeIfAbsent(tool.substring(0, dot), s -> new TreeSet<>())
                                .add(tool.substring(dot + 1));
                    }
                }
            }
        } catch (IOException | ConfigException e) {
            return Map.of();
        }
        return offered;
    }
}
