package dev.tollgate.sample.history;

import dev.tollgate.audit.AuditRecord;
import dev.tollgate.audit.AuditUnavailableException;
import dev.tollgate.audit.JdbcAuditStore;
import dev.tollgate.json.Json;
import java.time.DayOfWeek;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.SplittableRandom;
import java.util.function.LongConsumer;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * Fills an audit store with a month of realistic traffic from the sample world: the billing,
 * onboarding and support agents working conversations on the crm, payments, tickets and calendar
 * servers, with policy blocks, upstream errors and timeouts, and one incident: billing-agent's
 * refund storm (by default Wednesday 14 October 2026, 09:12–09:59 UTC), stopped by the loop breaker. The same seed
 * and size always give the same records.
 */
public final class HistoryGenerator {
    /** The policy the month was recorded under (sample-data/policies/incident.yaml). */
    static final String POLICY = "policies/incident.yaml";

    static final Duration INCIDENT_LENGTH = Duration.ofMinutes(47);
    static final String INCIDENT_CONVERSATION = "conv-refund-storm";
    private static final int ARTICLE_RETRIES = 11_400;
    private static final int BATCH = 5_000;
    private static final int OPEN_CONVERSATIONS = 24;
    private static final String[] USERS = {
        "alice@acme.example",
        "bob@acme.example",
        "carol@acme.example",
        "dave@acme.example",
        "erin@acme.example",
        "frank@acme.example"
    };

    /** What to generate: how many records, from which seed, over which month. */
    public record Options(long size, long seed, Instant start, Duration span) {
        public Options {
            if (size < 1) {
                throw new IllegalArgumentException("size must be at least 1");
            }
        }

        public static Options of(long size, long seed) {
            return new Options(size, seed, Instant.parse("2026-10-01T00:00:00Z"), Duration.ofDays(30));
        }
    }

    /** What was generated. */
    public record Summary(
            long records,
            long blocked,
            long errors,
            long timeouts,
            long incidentCalls,
            long incidentRefundsAllowed,
            Instant incidentStart,
            Duration took) {}

    private final Options options;
    private final SplittableRandom random;
    private final Conversation[] open = new Conversation[OPEN_CONVERSATIONS];
    private long conversationCounter;
    private long blocked;
    private long errors;
    private long timeouts;
    private long incidentAllowed;
    private long incidentEmitted;
    private final Instant incidentStart;
    private final List<Instant> incidentAllowedTimes = new ArrayList<>();
    private Instant breakerOpenUntil = Instant.MIN;

    private HistoryGenerator(Options options) {
        this.options = options;
        this.random = new SplittableRandom(options.seed());
        Duration intoMonth = Duration.ofDays(13).plusHours(9).plusMinutes(12);
        Duration latest = options.span().minus(INCIDENT_LENGTH).dividedBy(2);
        this.incidentStart = options.start()
                .plus(intoMonth.compareTo(latest) <= 0 ? intoMonth : latest)
                .truncatedTo(ChronoUnit.MINUTES);
    }

    /** Appends the month to the store in batches; {@code progress} hears the running record count. */
    public static Summary generate(JdbcAuditStore store, Options options, LongConsumer progress)
            throws AuditUnavailableException {
        return new HistoryGenerator(options).run(store, progress);
    }

    private Summary run(JdbcAuditStore store, LongConsumer progress) throws AuditUnavailableException {
        long began = System.nanoTime();
        long incidentCalls = incidentCalls();
        long normal = options.size() - incidentCalls;
        long minutes = options.span().toMinutes();
        double[] weights = new double[(int) minutes];
        double total = 0;
        for (int m = 0; m < minutes; m++) {
            weights[m] = weight(options.start().plus(m, ChronoUnit.MINUTES));
            total += weights[m];
        }
        // The storm keeps the article's pace (11,400 calls in 47 minutes); smaller stores get a shorter storm.
        long incidentStep = INCIDENT_LENGTH.toNanos() / ARTICLE_RETRIES;
        Instant incidentEnd = incidentStart.plusNanos(incidentStep * incidentCalls);
        long incidentDone = 0;
        long normalDone = 0;
        double carry = 0;
        List<AuditRecord> batch = new ArrayList<>(BATCH);
        long written = 0;
        for (int m = 0; m < minutes; m++) {
            Instant minute = options.start().plus(m, ChronoUnit.MINUTES);
            carry += normal * weights[m] / total;
            int count = (int) Math.min(Math.floor(carry), normal - normalDone);
            if (m == minutes - 1) {
                count = (int) (normal - normalDone);
            }
            carry -= count;
            normalDone += count;
            long[] offsets = new long[count];
            for (int i = 0; i < count; i++) {
                offsets[i] = random.nextLong(60_000_000L);
            }
            Arrays.sort(offsets);
            List<Instant> storm = new ArrayList<>();
            Instant minuteEnd = minute.plus(1, ChronoUnit.MINUTES);
            while (incidentDone < incidentCalls) {
                Instant at = incidentStart.plusNanos(incidentStep * incidentDone);
                if (!at.isBefore(minuteEnd) || at.isBefore(minute) || !at.isBefore(incidentEnd)) {
                    break;
                }
                storm.add(at);
                incidentDone++;
            }
            int s = 0;
            for (int i = 0; i < count || s < storm.size(); ) {
                Instant normalAt = i < count ? minute.plus(offsets[i], ChronoUnit.MICROS) : null;
                if (normalAt == null || (s < storm.size() && storm.get(s).isBefore(normalAt))) {
                    batch.add(incidentCall(storm.get(s++)));
                } else {
                    batch.add(normalCall(normalAt));
                    i++;
                }
                if (batch.size() == BATCH) {
                    store.appendCompleted(batch);
                    written += batch.size();
                    progress.accept(written);
                    batch.clear();
                }
            }
        }
        if (!batch.isEmpty()) {
            store.appendCompleted(batch);
            written += batch.size();
            progress.accept(written);
        }
        return new Summary(
                written,
                blocked,
                errors,
                timeouts,
                incidentCalls,
                incidentAllowed,
                incidentStart,
                Duration.ofNanos(System.nanoTime() - began));
    }

    /** The article's 11,400 retries, scaled down for small stores so the incident never dominates. */
    private long incidentCalls() {
        return Math.min(ARTICLE_RETRIES, Math.max(Math.min(50, options.size() / 4), options.size() / 80));
    }

    /** Office hours carry the traffic; nights and weekends are quiet. */
    private static double weight(Instant at) {
        var t = at.atOffset(ZoneOffset.UTC);
        int hour = t.getHour();
        double h = hour >= 8 && hour < 18 ? 1.0 : hour >= 6 && hour < 22 ? 0.4 : 0.1;
        boolean weekend = t.getDayOfWeek() == DayOfWeek.SATURDAY || t.getDayOfWeek() == DayOfWeek.SUNDAY;
        return h * (weekend ? 0.3 : 1.0);
    }

    // ------------------------------------------------------------------ the refund storm

    private AuditRecord incidentCall(Instant at) {
        long n = incidentEmitted++;
        ObjectNode args = Json.object();
        args.put("orderId", "ORD-88412");
        args.put("amount", 249.00);
        args.put("currency", "EUR");
        args.put("reason", "customer dispute, retrying after timeout");
        String session = "mcp-7f3a9c2e-storm";
        if (n == 0) {
            timeouts++;
            incidentAllowed++;
            // The timed-out first refund is one of the identical calls the breaker counts, as the engine's does.
            incidentAllowedTimes.add(at);
            return record(
                    at,
                    "billing-agent",
                    session,
                    Optional.empty(),
                    "payments",
                    "issueRefund",
                    args,
                    "allowed",
                    allowRule("billing", "payments.issueRefund"),
                    Optional.of(POLICY + ":32"),
                    "allowed by role billing",
                    "timeout",
                    30_000.0,
                    0,
                    Optional.of(INCIDENT_CONVERSATION),
                    text("the upstream did not answer within 30 s"));
        }
        incidentAllowedTimes.removeIf(t -> t.isBefore(at.minus(Duration.ofMinutes(1))));
        if (at.isBefore(breakerOpenUntil)) {
            blocked++;
            return loopBlocked(at, session, args);
        }
        if (incidentAllowedTimes.size() >= 5) {
            breakerOpenUntil = at.plus(Duration.ofMinutes(5));
            incidentAllowedTimes.clear();
            blocked++;
            return loopBlocked(at, session, args);
        }
        incidentAllowedTimes.add(at);
        incidentAllowed++;
        return record(
                at,
                "billing-agent",
                session,
                Optional.empty(),
                "payments",
                "issueRefund",
                args,
                "allowed",
                allowRule("billing", "payments.issueRefund"),
                Optional.of(POLICY + ":32"),
                "allowed by role billing",
                "success",
                300 + random.nextDouble(200),
                180,
                Optional.of(INCIDENT_CONVERSATION),
                text("refund RF-" + (700_000 + n) + " issued for ORD-88412 (249.00 EUR)"));
    }

    private AuditRecord loopBlocked(Instant at, String session, JsonNode args) {
        long retryMs = Duration.between(at, breakerOpenUntil).toMillis();
        return record(
                at,
                "billing-agent",
                session,
                Optional.empty(),
                "payments",
                "issueRefund",
                args,
                "blocked",
                "loopBreaker: 5 identical calls within 1m",
                Optional.of(POLICY + ":25"),
                "Tollgate blocked payments.issueRefund: billing-agent repeated the same call 5 times within 1m.",
                "error",
                0.2 + random.nextDouble(0.6),
                190,
                Optional.of(INCIDENT_CONVERSATION),
                text(String.format(
                        Locale.ROOT,
                        "Tollgate blocked payments.issueRefund: billing-agent repeated the "
                                + "same call 5 times within 1m. Retry after %.1f s.",
                        retryMs / 1000.0)));
    }

    // ------------------------------------------------------------------ everyday traffic

    /** One agent's task: a few calls under one MCP session and conversation id, for one user. */
    private record Conversation(String agent, Optional<String> user, String session, String id, int[] remaining) {}

    private AuditRecord normalCall(Instant at) {
        int slot = random.nextInt(OPEN_CONVERSATIONS);
        Conversation c = open[slot];
        if (c == null || c.remaining()[0] == 0) {
            c = newConversation();
            open[slot] = c;
        }
        c.remaining()[0]--;
        String tool = pickTool(c.agent());
        if (tool.equals("payments.issueRefund") && c.agent().equals("billing-agent") && duringStorm(at)) {
            // The billing agent is stuck in its loop: no other refunds of its own, so the storm alone meets the
            // refund limit, as it did on the day (and the demo policy previews no change over this history).
            tool = "payments.getHistory";
        }
        int dot = tool.indexOf('.');
        String server = tool.substring(0, dot);
        String name = tool.substring(dot + 1);
        JsonNode args = arguments(tool, at);
        Verdict verdict = verdict(c.agent(), tool);
        if (verdict.blocked()) {
            blocked++;
            return record(
                    at,
                    c.agent(),
                    c.session(),
                    c.user(),
                    server,
                    name,
                    args,
                    "blocked",
                    verdict.rule(),
                    verdict.source(),
                    verdict.message(),
                    "error",
                    0.15 + random.nextDouble(1.2),
                    120 + verdict.message().length(),
                    Optional.of(c.id()),
                    text(verdict.message()));
        }
        double roll = random.nextDouble();
        double latency = baseLatency(name) * Math.exp(random.nextGaussian() * 0.45);
        if (roll < 0.01) {
            timeouts++;
            return record(
                    at,
                    c.agent(),
                    c.session(),
                    c.user(),
                    server,
                    name,
                    args,
                    "allowed",
                    verdict.rule(),
                    verdict.source(),
                    verdict.message(),
                    "timeout",
                    30_000.0,
                    0,
                    Optional.of(c.id()),
                    text("the upstream did not answer within 30 s"));
        }
        if (roll < 0.04) {
            errors++;
            String problem = random.nextBoolean()
                    ? "upstream error: 502 Bad Gateway"
                    : "upstream error: " + name + " failed: record is locked by another request";
            return record(
                    at,
                    c.agent(),
                    c.session(),
                    c.user(),
                    server,
                    name,
                    args,
                    "allowed",
                    verdict.rule(),
                    verdict.source(),
                    verdict.message(),
                    "error",
                    latency,
                    90 + problem.length(),
                    Optional.of(c.id()),
                    text(problem));
        }
        return record(
                at,
                c.agent(),
                c.session(),
                c.user(),
                server,
                name,
                args,
                "allowed",
                verdict.rule(),
                verdict.source(),
                verdict.message(),
                "success",
                latency,
                200 + random.nextInt(3_800),
                Optional.of(c.id()),
                text(summary(tool, args)));
    }

    private Conversation newConversation() {
        double roll = random.nextDouble();
        String agent = roll < 0.35 ? "billing-agent" : roll < 0.6 ? "onboarding-agent" : "support-agent";
        Optional<String> user = agent.equals("billing-agent") || random.nextDouble() < 0.25
                ? Optional.empty()
                : Optional.of(USERS[random.nextInt(USERS.length)]);
        conversationCounter++;
        String session = "mcp-" + Long.toHexString(random.nextLong() & 0xffffffffffffL);
        String id =
                String.format(Locale.ROOT, "conv-%s-%06d", agent.substring(0, agent.indexOf('-')), conversationCounter);
        return new Conversation(agent, user, session, id, new int[] {3 + random.nextInt(10)});
    }

    /** From a minute before the storm (the limit's window) to the end of its breaker's cool-down. */
    private boolean duringStorm(Instant at) {
        return !at.isBefore(incidentStart.minus(Duration.ofMinutes(1)))
                && at.isBefore(incidentStart.plus(INCIDENT_LENGTH).plus(Duration.ofMinutes(6)));
    }

    private String pickTool(String agent) {
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

    private record Verdict(boolean blocked, String rule, Optional<String> source, String message) {}

    /** What incident.yaml decides for the agent's role (allow list, deny list, default deny). */
    private static Verdict verdict(String agent, String tool) {
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

    private static String allowRule(String role, String tool) {
        return "roles." + role + ".allow: " + tool;
    }

    private static double baseLatency(String tool) {
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

    private JsonNode arguments(String tool, Instant at) {
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

    private static String summary(String tool, JsonNode args) {
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

    private static JsonNode text(String text) {
        ObjectNode result = Json.object();
        result.putArray("content").addObject().put("type", "text").put("text", text);
        return result;
    }

    private static AuditRecord record(
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
