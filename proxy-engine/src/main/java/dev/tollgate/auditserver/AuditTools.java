package dev.tollgate.auditserver;

import dev.tollgate.audit.AuditQuery;
import dev.tollgate.audit.AuditRecord;
import dev.tollgate.audit.AuditStore;
import dev.tollgate.audit.VerifyResult;
import dev.tollgate.json.Json;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.List;
import java.util.Map;
import java.util.Set;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * The read-only tools of the virtual {@code tollgate} server: {@code search_calls} (the filters of
 * {@code tollgate audit query}), {@code get_call}, {@code conversation} and {@code verify_chain}. They answer from
 * the audit store, where arguments and results are already redacted, so the answers are too.
 */
final class AuditTools {
    static final int DEFAULT_LIMIT = 50;
    static final int MAX_LIMIT = 500;
    private static final Set<String> DECISIONS = Set.of("allowed", "blocked");
    private static final Set<String> STATUSES = Set.of("success", "error", "timeout");

    private final AuditStore store;

    AuditTools(AuditStore store) {
        this.store = store;
    }

    /** The {@code tools/list} entries. */
    static ArrayNode definitions() {
        ArrayNode tools = Json.MAPPER.createArrayNode();
        ObjectNode search = tool(
                tools,
                "search_calls",
                "Search the audit record of tool calls, newest first. "
                        + "Filters combine; times are ISO-8601 (e.g. 2026-11-24T10:00:00Z). Arguments are shown redacted.");
        ObjectNode props = properties(search);
        string(props, "agent", "agent id, e.g. billing-agent");
        string(props, "tool", "server.tool, may use * globs, e.g. payments.issueRefund or payments.*");
        string(props, "user", "end user's subject");
        string(props, "session", "MCP session id");
        string(props, "conversation", "conversation id");
        props.putObject("decision")
                .put("type", "string")
                .putArray("enum")
                .add("allowed")
                .add("blocked");
        props.putObject("status")
                .put("type", "string")
                .putArray("enum")
                .add("success")
                .add("error")
                .add("timeout");
        string(props, "from", "earliest time, inclusive, ISO-8601");
        string(props, "to", "latest time, exclusive, ISO-8601");
        props.putObject("limit")
                .put("type", "integer")
                .put("minimum", 1)
                .put("maximum", MAX_LIMIT)
                .put("description", "at most this many calls (default " + DEFAULT_LIMIT + ")");

        ObjectNode get = tool(tools, "get_call", "One recorded call by its id, with its (redacted) result.");
        properties(get).putObject("id").put("type", "integer");
        ((ObjectNode) get.get("inputSchema")).putArray("required").add("id");

        ObjectNode conversation = tool(tools, "conversation", "Every recorded call of one conversation, in order.");
        string(properties(conversation), "conversation", "conversation id");
        ((ObjectNode) conversation.get("inputSchema")).putArray("required").add("conversation");

        tool(tools, "verify_chain", "Check the audit record's tamper-evident hash chain.");
        return tools;
    }

    private static ObjectNode tool(ArrayNode tools, String name, String description) {
        ObjectNode tool = tools.addObject();
        tool.put("name", name);
        tool.put("description", description);
        ObjectNode schema = tool.putObject("inputSchema");
        schema.put("type", "object");
        schema.putObject("properties");
        ObjectNode annotations = tool.putObject("annotations");
        annotations.put("readOnlyHint", true);
        annotations.put("openWorldHint", false);
        return tool;
    }

    private static ObjectNode properties(ObjectNode tool) {
        return (ObjectNode) tool.get("inputSchema").get("properties");
    }

    private static void string(ObjectNode props, String name, String description) {
        props.putObject(name).put("type", "string").put("description", description);
    }

    /** Answers one {@code tools/call}; a bad argument is a tool error the agent can read and correct. */
    JsonNode call(String name, JsonNode arguments) {
        try {
            return switch (name) {
                case "search_calls" -> result(calls(store.query(search(arguments))));
                case "get_call" -> getCall(arguments);
                case "conversation" ->
                    result(calls(store.query(AuditQuery.builder()
                            .conversation(requiredText(arguments, "conversation"))
                            .limit(Integer.MAX_VALUE)
                            .build())));
                case "verify_chain" -> verify();
                default -> error("unknown tool " + name);
            };
        } catch (IllegalArgumentException e) {
            return error(e.getMessage());
        }
    }

    private static AuditQuery search(JsonNode a) {
        AuditQuery.Builder query = AuditQuery.builder()
                .newestFirst(true)
                .agent(text(a, "agent"))
                .tool(text(a, "tool"))
                .user(text(a, "user"))
                .session(text(a, "session"))
                .conversation(text(a, "conversation"))
                .decision(oneOf(a, "decision", DECISIONS))
                .status(oneOf(a, "status", STATUSES))
                .from(instant(a, "from"))
                .to(instant(a, "to"));
        int limit = a.path("limit").asInt(DEFAULT_LIMIT);
        if (limit < 1 || limit > MAX_LIMIT) {
            throw new IllegalArgumentException("limit must be between 1 and " + MAX_LIMIT);
        }
        return query.limit(limit).build();
    }

    private JsonNode getCall(JsonNode a) {
        if (!a.path("id").canConvertToLong()) {
            throw new IllegalArgumentException("get_call needs the call's numeric id");
        }
        long id = a.get("id").asLong();
        return store.find(id).map(r -> result(call(r, true))).orElseGet(() -> error("no recorded call " + id));
    }

    private JsonNode verify() {
        VerifyResult v = store.verify();
        ObjectNode out = Json.object();
        out.put("intact", v.intact());
        out.put("recordsChecked", v.recordsChecked());
        v.firstBrokenId().ifPresent(id -> out.put("firstBrokenId", id));
        out.put("message", v.message());
        v.warnings().forEach(out.withArray("warnings")::add);
        return result(out);
    }

    private static ObjectNode calls(List<AuditRecord> records) {
        ObjectNode out = Json.object();
        ArrayNode array = out.putArray("calls");
        records.forEach(r -> array.add(call(r, false)));
        out.put("count", records.size());
        return out;
    }

    private static ObjectNode call(AuditRecord r, boolean withResult) {
        ObjectNode o = Json.object();
        o.put("id", r.id());
        o.put("timestamp", r.timestamp().toString());
        o.put("agentId", r.agentId());
        o.put("sessionId", r.sessionId());
        r.user().ifPresent(u -> o.put("user", u));
        o.put("tool", r.qualifiedTool());
        o.set("arguments", r.arguments());
        o.put("decision", r.decision());
        o.put("rule", r.rule());
        r.ruleSource().ifPresent(s -> o.put("ruleSource", s));
        o.put("reason", r.reason());
        o.put("status", r.status());
        o.put("latencyMs", r.latencyMs());
        r.conversationId().ifPresent(c -> o.put("conversationId", c));
        r.shadowDecision().ifPresent(v -> o.put("shadowDecision", v));
        r.shadowRule().ifPresent(v -> o.put("shadowRule", v));
        if (withResult) {
            r.result().ifPresent(result -> o.set("result", result));
        }
        return o;
    }

    private static JsonNode result(ObjectNode structured) {
        ObjectNode result = Json.object();
        result.putArray("content").addObject().put("type", "text").put("text", Json.pretty(structured));
        result.set("structuredContent", structured);
        result.put("isError", false);
        return result;
    }

    private static JsonNode error(String text) {
        ObjectNode result = Json.object();
        result.putArray("content").addObject().put("type", "text").put("text", text);
        result.put("isError", true);
        return result;
    }

    private static String text(JsonNode a, String field) {
        JsonNode v = a.get(field);
        if (v == null || v.isNull()) {
            return null;
        }
        if (!v.isString()) {
            throw new IllegalArgumentException(field + " must be a string");
        }
        return v.asString().isBlank() ? null : v.asString();
    }

    private static String requiredText(JsonNode a, String field) {
        String v = text(a, field);
        if (v == null) {
            throw new IllegalArgumentException(field + " is required");
        }
        return v;
    }

    private static String oneOf(JsonNode a, String field, Set<String> allowed) {
        String v = text(a, field);
        if (v != null && !allowed.contains(v)) {
            throw new IllegalArgumentException(
                    field + " must be one of " + allowed.stream().sorted().toList());
        }
        return v;
    }

    private static Instant instant(JsonNode a, String field) {
        String v = text(a, field);
        if (v == null) {
            return null;
        }
        try {
            return Instant.parse(v);
        } catch (DateTimeParseException e) {
            throw new IllegalArgumentException(field + " must be an ISO-8601 instant such as 2026-11-24T10:00:00Z");
        }
    }

    static Map<String, Object> serverInfo() {
        return Map.of("name", "tollgate-audit", "version", "1");
    }
}
