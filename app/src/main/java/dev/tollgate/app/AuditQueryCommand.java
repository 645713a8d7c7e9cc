package dev.tollgate.app;

import static dev.tollgate.app.AuditCommand.OK;
import static dev.tollgate.app.AuditCommand.USAGE;
import static dev.tollgate.app.AuditCommand.fail;
import static dev.tollgate.app.AuditCommand.open;

import dev.tollgate.app.AuditCommand.Failure;
import dev.tollgate.app.AuditCommand.StoreOptions;
import dev.tollgate.audit.AuditQuery;
import dev.tollgate.audit.AuditRecord;
import dev.tollgate.audit.JdbcAuditStore;
import dev.tollgate.json.Json;
import java.io.PrintWriter;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.Set;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/** {@code tollgate audit query}. */
@Command(
        name = "query",
        mixinStandardHelpOptions = true,
        description = {
            "Print recorded calls, newest first: a table on a terminal (the newest " + AuditQueryCommand.TABLE_LIMIT
                    + " unless --limit says otherwise),",
            "one JSON object per line when piped or with --format json."
        })
final class AuditQueryCommand implements Callable<Integer> {
    static final int TABLE_LIMIT = 100;
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

    @Option(
            names = "--from",
            paramLabel = "ISO-8601",
            description = "From this time on (2026-11-24T10:00:00Z; without an offset, UTC).")
    String from;

    @Option(
            names = "--since",
            paramLabel = "DURATION",
            description = "Only the last DURATION (90s, 15m, 2h, 7d); instead of --from.")
    String since;

    @Option(names = "--to", paramLabel = "ISO-8601", description = "Up to, not including, this time.")
    String to;

    @Option(names = "--limit", paramLabel = "N", description = "At most N records (the newest N).")
    String limit;

    @Option(names = "--oldest-first", description = "Oldest records first.")
    boolean oldestFirst;

    @Option(names = "--newest-first", hidden = true, description = "Newest records first (the default).")
    boolean newestFirst;

    @Option(
            names = "--format",
            paramLabel = "json|table",
            description = "table or json (default: table on a terminal, json when piped).")
    String format;

    @Override
    public Integer call() {
        try {
            if (oldestFirst && newestFirst) {
                throw new Failure(USAGE, "--oldest-first and --newest-first contradict each other");
            }
            boolean table = table();
            OptionalInt explicitLimit = limit();
            int shown = explicitLimit.orElse(table ? TABLE_LIMIT : Integer.MAX_VALUE);
            AuditQuery query = query(shown);
            try (JdbcAuditStore audit = open(store)) {
                PrintWriter out = spec.commandLine().getOut();
                if (table) {
                    List<AuditRecord> rows = new ArrayList<>();
                    audit.scan(query, rows::add);
                    long matched = rows.size() < shown ? rows.size() : audit.count(query(Integer.MAX_VALUE));
                    AuditTable.print(out, rows, footer(rows.size(), matched, explicitLimit.isPresent()));
                } else {
                    audit.scan(query, r -> out.println(Json.write(json(r))));
                }
                out.flush();
            } catch (IllegalStateException e) {
                throw new Failure(USAGE, e.getMessage());
            }
            return OK;
        } catch (Failure f) {
            return fail(spec, f);
        }
    }

    private boolean table() throws Failure {
        if (format == null) {
            return Terminal.interactive();
        }
        String fmt = format.toLowerCase(Locale.ROOT);
        if (!fmt.equals("json") && !fmt.equals("table")) {
            throw new Failure(USAGE, "--format must be json or table, not '" + format + "'");
        }
        return fmt.equals("table");
    }

    private String footer(int shown, long matched, boolean limited) {
        String records = String.format(Locale.ROOT, "%,d %s", matched, matched == 1 ? "record" : "records");
        if (shown >= matched) {
            return records;
        }
        String order = oldestFirst ? "oldest" : "newest";
        return String.format(
                Locale.ROOT,
                "%,d of %s (the %s; %s)",
                shown,
                records,
                order,
                limited ? "--limit N shows more" : "--limit N shows more, --format json all");
    }

    private OptionalInt limit() throws Failure {
        if (limit == null) {
            return OptionalInt.empty();
        }
        try {
            int n = Integer.parseInt(limit.trim());
            if (n < 1) {
                throw new NumberFormatException();
            }
            return OptionalInt.of(n);
        } catch (NumberFormatException e) {
            throw new Failure(USAGE, "--limit must be a positive whole number, not '" + limit + "'");
        }
    }

    private AuditQuery query(int max) throws Failure {
        AuditQuery.Builder b = AuditQuery.builder()
                .agent(agent)
                .tool(tool)
                .user(user)
                .session(session)
                .conversation(conversation)
                .newestFirst(!oldestFirst)
                .limit(max);
        if (decision != null) {
            b.decision(oneOf("--decision", decision, DECISIONS));
        }
        if (status != null) {
            b.status(oneOf("--status", status, STATUSES));
        }
        if (tool != null && tool.isBlank()) {
            throw new Failure(USAGE, "--tool must be SERVER.TOOL, e.g. payments.issueRefund");
        }
        if (since != null && from != null) {
            throw new Failure(USAGE, "--since and --from both set where the range starts; give one");
        }
        Optional<Instant> start = since != null ? Optional.of(since(since)) : time("--from", from);
        Optional<Instant> end = time("--to", to);
        start.ifPresent(b::from);
        end.ifPresent(b::to);
        if (start.isPresent() && end.isPresent() && !start.get().isBefore(end.get())) {
            throw new Failure(USAGE, "--from must be before --to");
        }
        return b.build();
    }

    private static Instant since(String text) throws Failure {
        try {
            return Instant.now().minus(IsoTime.duration("--since", text));
        } catch (IllegalArgumentException e) {
            throw new Failure(USAGE, e.getMessage());
        }
    }

    private static String oneOf(String option, String value, Set<String> allowed) throws Failure {
        String v = value.toLowerCase(Locale.ROOT);
        if (!allowed.contains(v)) {
            throw new Failure(
                    USAGE,
                    option + " must be "
                            + String.join(" or ", allowed.stream().sorted().toList()) + ", not '" + value + "'");
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
        o.put("resultText", r.result().map(AuditQueryCommand::text).orElse(null));
        o.set("result", r.result().orElse(null));
        o.put("prevHash", r.prevHash());
        o.put("hash", r.hash());
        // PRODUCT.md names these "agent id", "MCP session id" and "conversation id"; scripts written
        // against either spelling keep working.
        o.put("agentId", r.agentId());
        o.put("sessionId", r.sessionId());
        o.put("conversationId", r.conversationId().orElse(null));
        r.shadowDecision().ifPresent(v -> o.put("shadowDecision", v));
        r.shadowRule().ifPresent(v -> o.put("shadowRule", v));
        return o;
    }

    /** The text blocks of a tool result, one per line: what the agent read. */
    private static String text(JsonNode result) {
        List<String> parts = new ArrayList<>();
        for (JsonNode block : result.path("content")) {
            if ("text".equals(block.path("type").asString(""))) {
                parts.add(block.path("text").asString(""));
            }
        }
        return String.join("\n", parts);
    }
}
