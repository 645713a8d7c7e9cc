package dev.tollgate.app;

import dev.tollgate.audit.AuditQuery;
import dev.tollgate.audit.AuditRecord;
import dev.tollgate.audit.AuditStores;
import dev.tollgate.audit.AuditUnavailableException;
import dev.tollgate.audit.JdbcAuditStore;
import dev.tollgate.audit.VerifyResult;
import dev.tollgate.config.ConfigException;
import dev.tollgate.config.ConfigLoader;
import dev.tollgate.json.Json;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.Callable;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import tools.jackson.databind.node.ObjectNode;

/** {@code tollgate audit}: query and verify the audit store from the command line. */
@Command(name = "audit", mixinStandardHelpOptions = true, description = "Query or verify the audit store.",
        subcommands = {AuditCommand.Query.class, AuditCommand.Verify.class, AuditPruneCommand.class})
public final class AuditCommand implements Runnable {
    static final int OK = 0;
    static final int FAILED = 1;
    static final int USAGE = 2;

    @Spec
    CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getErr());
    }

    /** Which store to open: {@code --db} or the store a configuration file names (a mixin of both subcommands). */
    static final class StoreOptions {
        @ArgGroup(exclusive = true)
        Source source;

        static final class Source {
            @Option(names = "--db", paramLabel = "JDBC_URL", description = "Audit database URL (default: "
                    + ConfigLoader.DEFAULT_AUDIT_URL + ").")
            String db;

            @Option(names = "--config", paramLabel = "FILE", description = "Read the audit URL from this configuration file.")
            Path config;
        }

        String url() {
            if (source != null && source.db != null) {
                return source.db;
            }
            if (source != null && source.config != null) {
                // Reading the audit URL must not need the agents' and servers' secrets in the environment.
                return new ConfigLoader(name -> Optional.of(Optional.ofNullable(System.getenv(name)).orElse("")))
                        .load(source.config).auditUrl();
            }
            return ConfigLoader.DEFAULT_AUDIT_URL;
        }
    }

    /** A problem with what the user typed (exit 2) or with the store (exit 1), told in one line. */
    static final class Failure extends Exception {
        private static final long serialVersionUID = 1L;
        final int exitCode;

        Failure(int exitCode, String message) {
            super(message, null, false, false);
            this.exitCode = exitCode;
        }
    }

    static JdbcAuditStore open(StoreOptions options) throws Failure {
        String url;
        try {
            url = options.url();
        } catch (ConfigException e) {
            throw new Failure(FAILED, e.getMessage());
        }
        try {
            return AuditStores.openExisting(url);
        } catch (AuditUnavailableException e) {
            throw new Failure(FAILED, e.getMessage());
        } catch (IllegalArgumentException e) {
            throw new Failure(USAGE, e.getMessage());
        }
    }

    static int fail(CommandSpec spec, Failure failure) {
        spec.commandLine().getErr().println(spec.qualifiedName(" ") + ": " + failure.getMessage());
        spec.commandLine().getErr().flush();
        return failure.exitCode;
    }

    /** {@code tollgate audit query}. */
    @Command(name = "query", mixinStandardHelpOptions = true,
            description = "Print recorded calls, oldest first: one JSON object per line, or a table.")
    static final class Query implements Callable<Integer> {
        private static final Set<String> DECISIONS = Set.of("allowed", "blocked");
        private static final Set<String> STATUSES = Set.of("success", "error", "timeout");

        @Spec
        CommandSpec spec;

        @Mixin
        StoreOptions store;

        @Option(names = "--agent", paramLabel = "A", description = "Only calls by this agent id.")
        String agent;

        @Option(names = "--tool", paramLabel = "SERVER.TOOL", description = "Only this tool; * globs allowed (payments.*).")
        String tool;

        @Option(names = "--user", paramLabel = "U", description = "Only calls made for this user.")
        String user;

        @Option(names = "--session", paramLabel = "S", description = "Only this MCP session.")
        String session;

        @Option(names = "--conversation", paramLabel = "C", description = "Only this conversation.")
        String conversation;

        @Option(names = "--decision", paramLabel = "allowed|blocked", description = "Only allowed or only blocked calls.")
        String decision;

        @Option(names = "--status", paramLabel = "success|error|timeout", description = "Only calls that ended so.")
        String status;

        @Option(names = "--from", paramLabel = "ISO-8601",
                description = "From this time on (2026-11-24T10:00:00Z; without an offset, UTC).")
        String from;

        @Option(names = "--to", paramLabel = "ISO-8601", description = "Up to, not including, this time.")
        String to;

        @Option(names = "--limit", paramLabel = "N", description = "At most N records.")
        String limit;

        @Option(names = "--newest-first", description = "Newest records first.")
        boolean newestFirst;

        @Option(names = "--format", paramLabel = "json|table", defaultValue = "json",
                description = "json (one object per line, the default) or table.")
        String format;

        @Override
        public Integer call() {
            try {
                AuditQuery query = query();
                String fmt = format.toLowerCase(Locale.ROOT);
                if (!fmt.equals("json") && !fmt.equals("table")) {
                    throw new Failure(USAGE, "--format must be json or table, not '" + format + "'");
                }
                try (JdbcAuditStore audit = open(store)) {
                    PrintWriter out = spec.commandLine().getOut();
                    if (fmt.equals("json")) {
                        audit.scan(query, r -> out.println(Json.write(json(r))));
                    } else {
                        List<AuditRecord> rows = new ArrayList<>();
                        audit.scan(query, rows::add);
                        Table.print(out, rows);
                    }
                    out.flush();
                } catch (IllegalStateException e) {
                    throw new Failure(FAILED, e.getMessage());
                }
                return OK;
            } catch (Failure f) {
                return fail(spec, f);
            }
        }

        private AuditQuery query() throws Failure {
            AuditQuery.Builder b = AuditQuery.builder().agent(agent).tool(tool).user(user).session(session)
                    .conversation(conversation).newestFirst(newestFirst).limit(Integer.MAX_VALUE);
            if (decision != null) {
                b.decision(oneOf("--decision", decision, DECISIONS));
            }
            if (status != null) {
                b.status(oneOf("--status", status, STATUSES));
            }
            if (tool != null && tool.isBlank()) {
                throw new Failure(USAGE, "--tool must be SERVER.TOOL, e.g. payments.issueRefund");
            }
            Optional<Instant> start = time("--from", from);
            Optional<Instant> end = time("--to", to);
            start.ifPresent(b::from);
            end.ifPresent(b::to);
            if (start.isPresent() && end.isPresent() && !start.get().isBefore(end.get())) {
                throw new Failure(USAGE, "--from must be before --to");
            }
            if (limit != null) {
                try {
                    int n = Integer.parseInt(limit.trim());
                    if (n < 1) {
                        throw new NumberFormatException();
                    }
                    b.limit(n);
                } catch (NumberFormatException e) {
                    throw new Failure(USAGE, "--limit must be a positive whole number, not '" + limit + "'");
                }
            }
            return b.build();
        }

        private static String oneOf(String option, String value, Set<String> allowed) throws Failure {
            String v = value.toLowerCase(Locale.ROOT);
            if (!allowed.contains(v)) {
                throw new Failure(USAGE, option + " must be " + String.join(" or ", allowed.stream().sorted().toList())
                        + ", not '" + value + "'");
            }
            return v;
        }

        static Optional<Instant> time(String option, String text) throws Failure {
            if (text == null) {
                return Optional.empty();
            }
            try {
                return Optional.of(IsoTime.parse(option, text));
            } catch (IllegalArgumentException e) {
                throw new Failure(USAGE, e.getMessage());
            }
        }

        static ObjectNode json(AuditRecord r) {
            ObjectNode o = Json.object();
            o.put("id", r.id());
            o.put("timestamp", r.timestamp().toString());
            o.put("agent", r.agentId());
            o.put("session", r.sessionId());
            o.put("user", r.user().orElse(null));
            o.put("server", r.server());
            o.put("tool", r.tool());
            o.put("qualifiedTool", r.qualifiedTool());
            o.set("arguments", r.arguments());
            o.put("decision", r.decision());
            o.put("rule", r.rule());
            o.put("ruleSource", r.ruleSource().orElse(null));
            o.put("reason", r.reason());
            o.put("status", r.status());
            o.put("latencyMs", r.latencyMs());
            o.put("responseSize", r.responseSize());
            o.put("conversation", r.conversationId().orElse(null));
            o.put("prevHash", r.prevHash());
            o.put("hash", r.hash());
            // PRODUCT.md names these "agent id", "MCP session id" and "conversation id"; scripts written
            // against either spelling keep working.
            o.put("agentId", r.agentId());
            o.put("sessionId", r.sessionId());
            o.put("conversationId", r.conversationId().orElse(null));
            return o;
        }
    }

    /** {@code tollgate audit verify}. */
    @Command(name = "verify", mixinStandardHelpOptions = true,
            description = "Check the tamper-evident hash chain: exit 0 when intact, 1 naming the first broken record.")
    static final class Verify implements Callable<Integer> {
        @Spec
        CommandSpec spec;

        @Mixin
        StoreOptions store;

        @Override
        public Integer call() {
            try (JdbcAuditStore audit = open(store)) {
                VerifyResult result;
                PrintWriter err = spec.commandLine().getErr();
                try {
                    // Progress on stderr, so stdout stays the one-line answer scripts read.
                    result = audit.verify(checked -> {
                        err.println("checked " + checked + " records…");
                        err.flush();
                    });
                } catch (IllegalStateException e) {
                    throw new Failure(FAILED, e.getMessage());
                }
                PrintWriter out = spec.commandLine().getOut();
                if (result.intact()) {
                    out.println("intact (" + result.recordsChecked() + " records)");
                    out.flush();
                    return OK;
                }
                out.println("broken at record " + result.firstBrokenId().orElseThrow() + ": " + result.message());
                out.flush();
                return FAILED;
            } catch (Failure f) {
                return fail(spec, f);
            }
        }
    }

    /** The human table: fixed columns, widths fitted to the rows. */
    static final class Table {
        private static final DateTimeFormatter TIME =
                DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss.SSS").withZone(ZoneOffset.UTC);
        private static final String[] HEADERS =
                {"ID", "TIME (UTC)", "AGENT", "USER", "TOOL", "DECISION", "STATUS", "LATENCY", "RULE"};
        private static final boolean[] RIGHT_ALIGNED = {true, false, false, false, false, false, false, true, false};

        static void print(PrintWriter out, List<AuditRecord> records) {
            List<String[]> rows = new ArrayList<>();
            rows.add(HEADERS);
            for (AuditRecord r : records) {
                rows.add(new String[] {Long.toString(r.id()), TIME.format(r.timestamp()), r.agentId(),
                        r.user().orElse("-"), r.qualifiedTool(), r.decision(), r.status(),
                        String.format(Locale.ROOT, "%.1f ms", r.latencyMs()), clip(r.rule(), 48)});
            }
            int[] widths = new int[HEADERS.length];
            for (String[] row : rows) {
                for (int i = 0; i < row.length; i++) {
                    widths[i] = Math.max(widths[i], row[i].length());
                }
            }
            for (String[] row : rows) {
                StringBuilder line = new StringBuilder();
                for (int i = 0; i < row.length; i++) {
                    if (i > 0) {
                        line.append("  ");
                    }
                    String pad = " ".repeat(widths[i] - row[i].length());
                    line.append(RIGHT_ALIGNED[i] ? pad + row[i] : row[i] + pad);
                }
                out.println(line.toString().stripTrailing());
            }
            out.println(records.size() + (records.size() == 1 ? " record" : " records"));
        }

        private static String clip(String s, int max) {
            return s.length() <= max ? s : s.substring(0, max - 1) + "…";
        }
    }
}
