package dev.tollgate.sample.history;

import static dev.tollgate.sample.history.SampleWorld.arguments;
import static dev.tollgate.sample.history.SampleWorld.baseLatency;
import static dev.tollgate.sample.history.SampleWorld.pickTool;
import static dev.tollgate.sample.history.SampleWorld.record;
import static dev.tollgate.sample.history.SampleWorld.summary;
import static dev.tollgate.sample.history.SampleWorld.text;
import static dev.tollgate.sample.history.SampleWorld.verdict;

import dev.tollgate.audit.AuditRecord;
import dev.tollgate.audit.AuditUnavailableException;
import dev.tollgate.audit.JdbcAuditStore;
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

/**
 * Fills an audit store with a month of realistic traffic from the sample world: the billing,
 * onboarding and support agents working conversations on the crm, payments, tickets and calendar
 * servers, with policy blocks, upstream errors and timeouts, and one incident: billing-agent's
 * refund storm (by default Wednesday 14 October 2026, 09:12–09:59 UTC), stopped by the loop breaker. The same seed
 * and size always give the same records.
 */
public final class HistoryGenerator {
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
    private final Instant incidentStart;
    private final RefundStorm refundStorm;

    private HistoryGenerator(Options options) {
        this.options = options;
        this.random = new SplittableRandom(options.seed());
        this.refundStorm = new RefundStorm(random);
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
                    batch.add(refundStorm.call(storm.get(s++)));
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
                blocked + refundStorm.blocked(),
                errors,
                timeouts + refundStorm.timeouts(),
                incidentCalls,
                refundStorm.allowed(),
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
        String tool = pickTool(random, c.agent());
        if (tool.equals("payments.issueRefund") && c.agent().equals("billing-agent") && duringStorm(at)) {
            // The billing agent is stuck in its loop: no other refunds of its own, so the storm alone meets the
            // refund limit, as it did on the day (and the demo policy previews no change over this history).
            tool = "payments.getHistory";
        }
        int dot = tool.indexOf('.');
        String server = tool.substring(0, dot);
        String name = tool.substring(dot + 1);
        JsonNode args = arguments(random, tool, at);
        SampleWorld.Verdict verdict = verdict(c.agent(), tool);
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
}
