package dev.tollgate.sample.history;

import dev.tollgate.audit.AuditRecord;
import dev.tollgate.json.Json;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Optional;
import java.util.SplittableRandom;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * The sample world's everyday facts for generated history: which tools each agent calls, with which arguments,
 * what incident.yaml decides for them, how long they take and what they answer.
 */
final class SampleWorld {
    /** The policy the month was recorded under (sample-data/policies/incident.yaml). */
    static final String POLICY = "policies/incident.yaml";

    private SampleWorld() {}

    /** Which tool the agent calls next, weighted by its job. */
    static String pickTool(SplittableRandom random, String agent) {
        double r = random.nextDouble();
        switch (agent) {
            case "billing-agent":
                return r < 0.35
                        ? "crm.getAccount"
                        : r < 0.70
                                ? "payments.getHistory"
                                : r < 0.90
                                        ? "payments.issueRefund"
                                        : r < 0.95 ? "payments.updatePaymentMethod" : "tickets.get";
            case "onboarding-agent":
                return r < 0.30
                        ? "crm.getAccount"
                        : r < 0.60
                                ? "crm.updateAccount"
                                : r < 0.85 ? "calendar.schedule" : r < 0.93 ? "calendar.list" : "crm.search";
            default:
                return r < 0.35
                        ? "crm.getAccount"
                        : r < 0.65
                                ? "tickets.create"
                                : r < 0.80
                                        ? "tickets.escalate"
                                        : r < 0.88
                                                ? "tickets.get"
                                                : r < 0.95
                                                        ? "crm.search"
                                                        : r < 0.98 ? "payments.getHistory" : "payments.issueRefund";
        }
    }

    /** What the policy decided for one call, as the audit record states it. */
    record Verdict(boolean blocked, String rule, Optional<String> source, String message) {}

    /** What incident.yaml decides for the agent's role (allow list, deny list, default deny). */
    static Verdict verdict(String agent, String tool) {
        String role = agent.substring(0, agent.indexOf('-'));
        int allowLine;
        List<String> allowed;
        switch (role) {
            case "billing":
                allowLine = 32;
                allowed = List.of("crm.getAccount", "payments.getHistory", "payments.issueRefund");
                if (tool.equals("payments.updatePaymentMethod")) {
                    return deny(role, tool, "payments.updatePaymentMethod", 33);
                }
                break;
            case "onboarding":
                allowLine = 36;
                allowed = List.of("crm.getAccount", "crm.updateAccount", "calendar.schedule");
                break;
            default:
                allowLine = 38;
                allowed = List.of("crm.getAccount", "tickets.create", "tickets.escalate");
                if (tool.startsWith("payments.")) {
                    return deny(role, tool, "payments.*", 39);
                }
        }
        if (allowed.contains(tool)) {
            return new Verdict(
                    false, allowRule(role, tool), Optional.of(POLICY + ":" + allowLine), "allowed by role " + role);
        }
        return new Verdict(
                true,
                "default deny",
                Optional.empty(),
                "Tollgate blocked " + tool + ": no rule of role " + role + " allows it.");
    }

    private static Verdict deny(String role, String tool, String pattern, int line) {
        return new Verdict(
                true,
                "roles." + role + ".deny: " + pattern,
                Optional.of(POLICY + ":" + line),
                "Tollgate blocked " + tool + ": role " + role + " denies " + pattern + ".");
    }

    static String allowRule(String role, String tool) {
        return "roles." + role + ".allow: " + tool;
    }

    /** The tool's typical latency in milliseconds. */
    static double baseLatency(String tool) {
        switch (tool) {
            case "getAccount":
                return 35;
            case "updateAccount":
                return 140;
            case "search":
                return 210;
            case "getHistory":
                return 120;
            case "issueRefund":
                return 380;
            case "updatePaymentMethod":
                return 420;
            case "create":
                return 160;
            case "escalate":
                return 190;
            case "get":
                return 55;
            case "schedule":
                return 260;
            default:
                return 80;
        }
    }

    /** Plausible arguments for the tool, called at {@code at}. */
    static JsonNode arguments(SplittableRandom random, String tool, Instant at) {
        ObjectNode a = Json.object();
        String account = "ACC-" + (10_000 + random.nextInt(4_000));
        switch (tool) {
            case "crm.getAccount":
            case "payments.getHistory":
                a.put("accountId", account);
                if (tool.equals("payments.getHistory")) {
                    a.put(
                            "since",
                            at.minus(Duration.ofDays(90))
                                    .atOffset(ZoneOffset.UTC)
                                    .toLocalDate()
                                    .toString());
                }
                break;
            case "crm.updateAccount":
                a.put("accountId", account);
                ObjectNode fields = a.putObject("fields");
                fields.put("plan", random.nextBoolean() ? "team" : "business");
                fields.put("billingEmail", "billing+" + random.nextInt(900) + "@customer.example");
                break;
            case "crm.search":
                a.put(
                        "query",
                        "name:" + new String[] {"Acme", "Globex", "Initech", "Umbrella", "Hooli"}[random.nextInt(5)]
                                + "*");
                a.put("limit", 20);
                break;
            case "payments.issueRefund":
                a.put("orderId", "ORD-" + (50_000 + random.nextInt(40_000)));
                a.put("amount", Math.round(random.nextDouble(5, 400) * 100) / 100.0);
                a.put("currency", "EUR");
                a.put("reason", random.nextBoolean() ? "duplicate charge" : "service outage credit");
                break;
            case "payments.updatePaymentMethod":
                a.put("accountId", account);
                a.put("cardNumber", "4111111111111111");
                a.put("expiry", "12/29");
                break;
            case "tickets.create":
                a.put("accountId", account);
                a.put(
                        "subject",
                        new String[] {"Cannot log in", "Invoice question", "Refund status", "Export fails"}
                                [random.nextInt(4)]);
                a.put("priority", random.nextDouble() < 0.2 ? "high" : "normal");
                break;
            case "tickets.escalate":
                a.put("ticketId", "T-" + (20_000 + random.nextInt(9_000)));
                a.put("level", 2);
                break;
            case "tickets.get":
                a.put("ticketId", "T-" + (20_000 + random.nextInt(9_000)));
                break;
            case "calendar.schedule":
                a.put("title", "Kick-off with " + account);
                a.put(
                        "start",
                        at.plus(Duration.ofDays(2 + random.nextInt(10)))
                                .truncatedTo(ChronoUnit.HOURS)
                                .toString());
                a.putArray("attendees").add("csm@acme.example").add("owner@customer.example");
                break;
            default:
                a.put("from", at.truncatedTo(ChronoUnit.DAYS).toString());
                a.put(
                        "to",
                        at.truncatedTo(ChronoUnit.DAYS).plus(Duration.ofDays(7)).toString());
        }
        return a;
    }

    /** The text a successful call answers. */
    static String summary(String tool, JsonNode args) {
        switch (tool) {
            case "payments.issueRefund":
                return "refund issued for " + args.path("orderId").asString();
            case "tickets.create":
                return "ticket created: " + args.path("subject").asString();
            case "calendar.schedule":
                return "scheduled: " + args.path("title").asString();
            default:
                return tool + " ok";
        }
    }

    /** A tool result holding one text item. */
    static JsonNode text(String text) {
        ObjectNode result = Json.object();
        result.putArray("content").addObject().put("type", "text").put("text", text);
        return result;
    }

    /** A completed record; a status other than success marks the result as an error. */
    static AuditRecord record(
            Instant at,
            String agent,
            String session,
            Optional<String> user,
            String server,
            String tool,
            JsonNode args,
            String decision,
            String rule,
            Optional<String> source,
            String reason,
            String status,
            double latencyMs,
            long size,
            Optional<String> conversation,
            JsonNode result) {
        boolean isError = !"success".equals(status);
        if (isError) {
            ((ObjectNode) result).put("isError", true);
        }
        return new AuditRecord(
                0,
                at,
                agent,
                session,
                user,
                server,
                tool,
                args,
                decision,
                rule,
                source,
                reason,
                status,
                Math.round(latencyMs * 1000) / 1000.0,
                size,
                conversation,
                Optional.of(result),
                "",
                "");
    }
}
