package dev.tollgate.sample.history;

import dev.tollgate.audit.AuditQuery;
import dev.tollgate.audit.AuditStores;
import dev.tollgate.audit.AuditUnavailableException;
import dev.tollgate.audit.JdbcAuditStore;
import java.time.Instant;
import java.util.Arrays;
import java.util.Locale;

/**
 * Times the investigator's question "which agent called payments.issueRefund between 10:00 and
 * 11:00?" against a generated store (the figure in BENCHMARKS.md):
 * {@code java -cp app/target/tollgate.jar dev.tollgate.sample.history.MeasureQuery --db URL [--hour ISO-8601]}.
 */
public final class MeasureQuery {
    private static final int RUNS = 25;

    private MeasureQuery() {}

    public static void main(String[] args) throws AuditUnavailableException {
        String db = null;
        Instant hour = Instant.parse("2026-10-20T10:00:00Z");
        for (int i = 0; i + 1 < args.length; i += 2) {
            if (args[i].equals("--db")) {
                db = args[i + 1];
            } else if (args[i].equals("--hour")) {
                hour = Instant.parse(args[i + 1]);
            }
        }
        if (db == null) {
            System.err.println("usage: MeasureQuery --db JDBC_URL [--hour 2026-10-20T10:00:00Z]");
            System.exit(2);
        }
        try (JdbcAuditStore store = AuditStores.openExisting(db)) {
            long total = store.count(AuditQuery.all());
            // The first query of a JVM pays for class loading and JIT; a different day warms those up
            // without warming the pages the measured queries read.
            Instant warmUp = hour.minusSeconds(6 * 24 * 3600);
            measure(
                    store,
                    total,
                    "JVM warm-up (another day)",
                    AuditQuery.builder()
                            .agent("billing-agent")
                            .tool("payments.issueRefund")
                            .from(warmUp)
                            .to(warmUp.plusSeconds(3600))
                            .limit(Integer.MAX_VALUE)
                            .build());
            measure(
                    store,
                    total,
                    "agent+tool+hour",
                    AuditQuery.builder()
                            .agent("billing-agent")
                            .tool("payments.issueRefund")
                            .from(hour)
                            .to(hour.plusSeconds(3600))
                            .limit(Integer.MAX_VALUE)
                            .build());
            measure(
                    store,
                    total,
                    "tool+hour (which agent?)",
                    AuditQuery.builder()
                            .tool("payments.issueRefund")
                            .from(hour)
                            .to(hour.plusSeconds(3600))
                            .limit(Integer.MAX_VALUE)
                            .build());
            Instant storm = Instant.parse("2026-10-14T09:00:00Z");
            measure(
                    store,
                    total,
                    "agent+tool+hour, refund storm",
                    AuditQuery.builder()
                            .agent("billing-agent")
                            .tool("payments.issueRefund")
                            .from(storm)
                            .to(storm.plusSeconds(3600))
                            .limit(Integer.MAX_VALUE)
                            .build());
        }
    }

    private static void measure(JdbcAuditStore store, long total, String name, AuditQuery query) {
        long first = System.nanoTime();
        int rows = store.query(query).size();
        double coldMs = (System.nanoTime() - first) / 1e6;
        double[] ms = new double[RUNS];
        for (int i = 0; i < RUNS; i++) {
            long t = System.nanoTime();
            store.query(query);
            ms[i] = (System.nanoTime() - t) / 1e6;
        }
        Arrays.sort(ms);
        System.out.printf(
                Locale.ROOT,
                "%-32s store %,d records: %,d rows; first run %.1f ms, then median %.1f ms, "
                        + "max %.1f ms over %d runs%n",
                name,
                total,
                rows,
                coldMs,
                ms[RUNS / 2],
                ms[RUNS - 1],
                RUNS);
    }
}
