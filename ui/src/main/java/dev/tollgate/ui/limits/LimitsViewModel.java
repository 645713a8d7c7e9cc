package dev.tollgate.ui.limits;

import dev.tollgate.audit.AuditQuery;
import dev.tollgate.audit.AuditRecord;
import dev.tollgate.audit.AuditStore;
import dev.tollgate.events.EngineEvent;
import dev.tollgate.ratelimit.BucketLevel;
import dev.tollgate.ratelimit.Rate;
import dev.tollgate.ui.fx.Background;
import dev.tollgate.ui.fx.Latest;
import dev.tollgate.ui.live.Reason;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.TreeSet;
import java.util.function.BiFunction;
import javafx.beans.property.ObjectProperty;
import javafx.beans.property.ReadOnlyBooleanProperty;
import javafx.beans.property.ReadOnlyBooleanWrapper;
import javafx.beans.property.ReadOnlyStringProperty;
import javafx.beans.property.ReadOnlyStringWrapper;
import javafx.beans.property.SimpleObjectProperty;
import javafx.collections.FXCollections;
import javafx.collections.ObservableList;

/**
 * Calls against the configured limit, per agent and tool, in the limit's own unit (for a 10/min limit: the
 * calls of the trailing minute, so the limit is a line at 10 and the calls it let through are visible):
 * allowed and blocked apart, the last five minutes live (counted from the event batches), or a range from the
 * store. It opens on the pair most recently blocked by a limit or breaker. The chart is a fixed set of points
 * whose values move, so updating it never rebuilds nodes (no flicker).
 */
public final class LimitsViewModel {
    public static final int POINTS = 300;
    private static final String ALL = "all agents · all tools";

    /**
     * One chart's worth of values: start, bucket width, and per point the allowed and blocked calls of the
     * trailing {@code unit} (a second without a limit), with the limit in calls per that unit, and the tokens in
     * use in the limit's bucket (NaN where unknown).
     */
    public record Series(
            Instant start,
            Duration bucket,
            double[] allowed,
            double[] blocked,
            OptionalDouble limit,
            String limitName,
            String unit,
            Map<Cause, double[]> blockedByCause,
            List<Instant> breakerTrips,
            double[] bucketInUse) {}

    /** What stopped a blocked call, for the stacked bands: a rate limit, the loop breaker, or a rule (any other policy block). */
    public enum Cause {
        LIMIT,
        BREAKER,
        RULE;

        static Cause of(AuditRecord r) {
            return switch (Reason.of(r)) {
                case LIMIT -> LIMIT;
                case BREAKER -> BREAKER;
                default -> RULE;
            };
        }
    }

    /** Ring rows: all calls, blocked calls, then blocked calls per {@link Cause}. */
    private static final int ROWS = 2 + Cause.values().length;

    private final AuditStore store;
    private final BucketTrace bucket;
    private final Latest queries;
    private final Map<String, long[][]> live = new HashMap<>();
    /** Per key, the instants the loop breaker started blocking (a breaker block after a call it did not block). */
    private final Map<String, List<Instant>> trips = new HashMap<>();

    private final Map<String, Boolean> lastWasBreaker = new HashMap<>();
    private final TreeSet<String> knownKeys = new TreeSet<>();
    private final ObservableList<String> keys = FXCollections.observableArrayList(ALL);
    private final ObjectProperty<String> selected = new SimpleObjectProperty<>(ALL);
    private final ObjectProperty<Series> series = new SimpleObjectProperty<>();
    private final ReadOnlyBooleanWrapper liveMode = new ReadOnlyBooleanWrapper(true);
    private final ReadOnlyStringWrapper message = new ReadOnlyStringWrapper("");
    private ConfiguredLimits limits = ConfiguredLimits.none();
    private boolean chosen;
    private boolean following;
    private long newestSecond;

    /** {@code levels} is the engine's view of its rate-limit buckets ({@code Engine::limitLevels}). */
    public LimitsViewModel(
            AuditStore store, Background background, BiFunction<String, String, List<BucketLevel>> levels) {
        this.store = store;
        this.bucket = new BucketTrace(levels);
        this.queries = new Latest(background);
        live.put(ALL, new long[ROWS][POINTS]);
        selected.addListener((o, was, now) -> {
            if (!following) {
                chosen = true;
            }
            if (now == null) {
                selected.set(ALL);
            } else if (liveMode.get()) {
                tick(Instant.now());
            }
        });
    }

    public ObservableList<String> keys() {
        return keys;
    }

    public ObjectProperty<String> selectedProperty() {
        return selected;
    }

    public ObjectProperty<Series> seriesProperty() {
        return series;
    }

    public ReadOnlyBooleanProperty liveModeProperty() {
        return liveMode.getReadOnlyProperty();
    }

    public ReadOnlyStringProperty messageProperty() {
        return message.getReadOnlyProperty();
    }

    public void setLimits(ConfiguredLimits limits) {
        this.limits = limits;
    }

    public void onEvents(List<EngineEvent> batch) {
        for (EngineEvent e : batch) {
            if (e instanceof EngineEvent.CallCompleted done) {
                AuditRecord r = done.record();
                long second = done.at().getEpochSecond();
                count(ALL, second, r);
                String key = r.agentId() + " · " + r.qualifiedTool();
                if (knownKeys.add(key)) {
                    keys.add(1 + knownKeys.headSet(key).size(), key);
                }
                count(key, second, r);
                noteTrip(trips, lastWasBreaker, key, r);
                if (r.blocked()
                        && !chosen
                        && (r.rule().startsWith("loop breaker") || r.rule().contains("limit "))) {
                    // Until the user picks a pair, follow the one a limit or the breaker is stopping now.
                    following = true;
                    selected.set(key);
                    following = false;
                }
            }
        }
    }

    /** A trip is where a pair's calls turn from passing (or other blocks) to blocked by the breaker. */
    private static void noteTrip(
            Map<String, List<Instant>> trips, Map<String, Boolean> lastWasBreaker, String key, AuditRecord r) {
        boolean breaker = r.blocked() && Cause.of(r) == Cause.BREAKER;
        Boolean before = lastWasBreaker.put(key, breaker);
        if (breaker && !Boolean.TRUE.equals(before)) {
            trips.computeIfAbsent(key, k -> new ArrayList<>()).add(r.timestamp());
        }
    }

    private void count(String key, long second, AuditRecord r) {
        boolean blocked = r.blocked();
        long[][] ring = live.computeIfAbsent(key, k -> new long[ROWS][POINTS]);
        if (second > newestSecond) {
            newestSecond = second;
        }
        if (second <= newestSecond - POINTS) {
            return;
        }
        int slot = (int) Math.floorMod(second, (long) POINTS);
        ring[0][slot] = encode(second, ring[0][slot]) + 1;
        if (blocked) {
            ring[1][slot] = encode(second, ring[1][slot]) + 1;
            int row = 2 + Cause.of(r).ordinal();
            ring[row][slot] = encode(second, ring[row][slot]) + 1;
        }
    }

    /** Each ring slot holds {@code second * 2^20 + count}; a slot from an older lap counts as zero. */
    private static long encode(long second, long slotValue) {
        return (slotValue >>> 20) == second ? slotValue : second << 20;
    }

    private static long value(long second, long slotValue) {
        return (slotValue >>> 20) == second ? slotValue & 0xFFFFF : 0;
    }

    /** Once a second in live mode: rebuilds the five-minute series of the selected key. */
    public void tick(Instant now) {
        if (!liveMode.get()) {
            return;
        }
        long end = now.getEpochSecond();
        for (String key : knownKeys) {
            String[] p = key.split(" · ", 2);
            limits.name(p[0], p[1]).ifPresent(name -> bucket.sample(key, p[0], p[1], name, now));
        }
        long[][] ring = live.getOrDefault(selected.get(), new long[ROWS][POINTS]);
        double[][] rates = new double[ROWS][POINTS];
        for (int i = 0; i < POINTS; i++) {
            long second = end - POINTS + i;
            int slot = (int) Math.floorMod(second, (long) POINTS);
            for (int row = 0; row < ROWS; row++) {
                rates[row][i] = value(second, ring[row][slot]);
            }
        }
        Instant start = Instant.ofEpochSecond(end - POINTS);
        trips.values().forEach(at -> at.removeIf(t -> t.isBefore(start)));
        List<Instant> seen = selected.get().equals(ALL)
                ? trips.values().stream().flatMap(List::stream).sorted().toList()
                : trips.getOrDefault(selected.get(), List.of());
        series.set(withLimit(
                start, Duration.ofSeconds(1), rates, List.copyOf(seen), bucket.live(selected.get(), end - POINTS)));
    }

    /**
     * Fills the live five minutes from the store when the window opens on a running engine, counting in
     * the background and merging the per-second totals on the FX thread.
     */
    public void seedFromStore(Instant now) {
        Instant from = now.minusSeconds(POINTS);
        Map<String, List<Instant>> seededTrips = new HashMap<>();
        queries.run(
                () -> {
                    Map<String, Map<Long, long[]>> counts = new HashMap<>();
                    Map<String, Boolean> breakerRun = new HashMap<>();
                    store.scan(
                            AuditQuery.builder()
                                    .from(from)
                                    .to(now)
                                    .limit(Integer.MAX_VALUE)
                                    .build(),
                            r -> {
                                long second = r.timestamp().getEpochSecond();
                                String pair = r.agentId() + " · " + r.qualifiedTool();
                                noteTrip(seededTrips, breakerRun, pair, r);
                                for (String key : new String[] {ALL, pair}) {
                                    long[] c = counts.computeIfAbsent(key, k -> new HashMap<>())
                                            .computeIfAbsent(second, k -> new long[ROWS]);
                                    c[0]++;
                                    if (r.blocked()) {
                                        c[1]++;
                                        c[2 + Cause.of(r).ordinal()]++;
                                    }
                                }
                            });
                    return counts;
                },
                counts -> {
                    seededTrips.forEach((key, at) ->
                            trips.computeIfAbsent(key, k -> new ArrayList<>()).addAll(0, at));
                    counts.forEach((key, bySecond) -> {
                        if (!key.equals(ALL) && knownKeys.add(key)) {
                            keys.add(1 + knownKeys.headSet(key).size(), key);
                        }
                        long[][] ring = live.computeIfAbsent(key, k -> new long[ROWS][POINTS]);
                        bySecond.forEach((second, c) -> {
                            int slot = (int) Math.floorMod(second, (long) POINTS);
                            for (int row = 0; row < ROWS; row++) {
                                ring[row][slot] = encode(second, ring[row][slot]) + c[row];
                            }
                            newestSecond = Math.max(newestSecond, second);
                        });
                    });
                    tick(Instant.now());
                },
                e -> message.set("Could not read the last five minutes: " + e.getMessage()));
    }

    public void showLive() {
        liveMode.set(true);
        message.set("Last 5 minutes, live");
        tick(Instant.now());
    }

    /** Loads a range from the store, bucketed into {@link #POINTS} points, in the background. */
    public void showRange(Instant from, Instant to) {
        if (!to.isAfter(from)) {
            message.set("The range must end after it starts.");
            return;
        }
        liveMode.set(false);
        String key = selected.get();
        Duration bucket =
                Duration.ofMillis(Math.max(1000, Duration.between(from, to).toMillis() / POINTS));
        AuditQuery.Builder q = AuditQuery.builder().from(from).to(to).limit(Integer.MAX_VALUE);
        Optional<String[]> parts = key.equals(ALL) ? Optional.empty() : Optional.of(key.split(" · ", 2));
        parts.ifPresent(p -> q.agent(p[0]).tool(p[1]));
        Optional<Rate> rate = parts.flatMap(p -> limits.rate(p[0], p[1]));
        message.set("Loading " + from + " – " + to + "…");
        queries.run(
                () -> {
                    double[][] rates = new double[ROWS][POINTS];
                    double seconds = bucket.toMillis() / 1000.0;
                    Map<String, List<Instant>> rangeTrips = new HashMap<>();
                    Map<String, Boolean> breakerRun = new HashMap<>();
                    List<AuditRecord> pairCalls = new ArrayList<>();
                    store.scan(q.build(), r -> {
                        if (rate.isPresent()) {
                            pairCalls.add(r);
                        }
                        int i = (int) (Duration.between(from, r.timestamp()).toMillis() / bucket.toMillis());
                        noteTrip(rangeTrips, breakerRun, r.agentId() + " · " + r.qualifiedTool(), r);
                        if (i >= 0 && i < POINTS) {
                            rates[0][i] += 1 / seconds;
                            if (r.blocked()) {
                                rates[1][i] += 1 / seconds;
                                rates[2 + Cause.of(r).ordinal()][i] += 1 / seconds;
                            }
                        }
                    });
                    List<Instant> shown = key.equals(ALL)
                            ? rangeTrips.values().stream()
                                    .flatMap(List::stream)
                                    .sorted()
                                    .toList()
                            : rangeTrips.getOrDefault(key, List.of());
                    pairCalls.sort(Comparator.comparing(AuditRecord::timestamp));
                    double[] inUse = rate.map(r -> BucketTrace.replay(pairCalls, r, from, bucket, POINTS))
                            .orElseGet(LimitsViewModel::unknown);
                    return withLimit(from, bucket, rates, List.copyOf(shown), inUse);
                },
                loaded -> {
                    series.set(loaded);
                    message.set("From the store, " + bucket.toSeconds() + " s per point");
                },
                e -> message.set("Could not load the range: " + e.getMessage()));
    }

    /** Turns per-second rates per bucket into calls per the limit's unit over a trailing window of that unit. */
    private Series withLimit(
            Instant start, Duration bucket, double[][] rates, List<Instant> breakerTrips, double[] inUse) {
        String key = selected.get();
        String[] p = key.split(" · ", 2);
        Optional<Rate> rate = key.equals(ALL) ? Optional.empty() : limits.rate(p[0], p[1]);
        Duration unit = rate.map(Rate::period).orElse(Duration.ofSeconds(1));
        double[] passed = new double[rates[0].length];
        for (int i = 0; i < passed.length; i++) {
            passed[i] = rates[0][i] - rates[1][i];
        }
        Map<Cause, double[]> byCause = new EnumMap<>(Cause.class);
        for (Cause c : Cause.values()) {
            byCause.put(c, LimitUnits.trailing(rates[2 + c.ordinal()], bucket, unit));
        }
        OptionalDouble limit = rate.map(r -> OptionalDouble.of(r.count())).orElse(OptionalDouble.empty());
        return new Series(
                start,
                bucket,
                LimitUnits.trailing(passed, bucket, unit),
                LimitUnits.trailing(rates[1], bucket, unit),
                limit,
                key.equals(ALL) ? "" : limits.describe(p[0], p[1]).orElse(""),
                LimitUnits.name(unit),
                Collections.unmodifiableMap(byCause),
                breakerTrips,
                rate.isPresent() ? inUse : unknown());
    }

    private static double[] unknown() {
        double[] none = new double[POINTS];
        java.util.Arrays.fill(none, Double.NaN);
        return none;
    }
}
