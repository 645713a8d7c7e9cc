package dev.tollgate.sample.history;

import dev.tollgate.audit.AuditStores;
import dev.tollgate.audit.AuditUnavailableException;
import dev.tollgate.audit.JdbcAuditStore;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.Locale;

/**
 * Command line for {@link HistoryGenerator}:
 * {@code java -cp app/target/tollgate.jar dev.tollgate.sample.history.GenerateHistory --db URL --size 1M [--seed 42]
 * [--start 2026-10-01T00:00:00Z] [--no-compact]}. The store is compacted afterwards unless told not to.
 */
public final class GenerateHistory {
    private GenerateHistory() {}

    public static void main(String[] args) {
        System.exit(run(args));
    }

    static int run(String... args) {
        String db = null;
        long size = 10_000;
        long seed = 42;
        Instant start = HistoryGenerator.Options.of(1, 0).start();
        boolean compact = true;
        try {
            for (int i = 0; i < args.length; i++) {
                String value = i + 1 < args.length ? args[i + 1] : null;
                switch (args[i]) {
                    case "--db":
                        db = require(args[i], value);
                        i++;
                        break;
                    case "--size":
                        size = parseSize(require(args[i], value));
                        i++;
                        break;
                    case "--seed":
                        seed = Long.parseLong(require(args[i], value));
                        i++;
                        break;
                    case "--start":
                        start = Instant.parse(require(args[i], value));
                        i++;
                        break;
                    case "--no-compact":
                        compact = false;
                        break;
                    default:
                        throw new IllegalArgumentException("unknown option " + args[i]);
                }
            }
            if (db == null) {
                throw new IllegalArgumentException("--db JDBC_URL is required");
            }
        } catch (IllegalArgumentException | DateTimeParseException e) {
            System.err.println("generate-history: " + e.getMessage());
            System.err.println(
                    "usage: GenerateHistory --db JDBC_URL [--size 10k|1M|10M] [--seed N] [--start ISO-8601] [--no-compact]");
            return 2;
        }
        HistoryGenerator.Options options = new HistoryGenerator.Options(size, seed, start, Duration.ofDays(30));
        long total = size;
        long step = Math.max(size / 20, 1);
        try {
            HistoryGenerator.Summary s;
            try (JdbcAuditStore store = AuditStores.open(db)) {
                s = HistoryGenerator.generate(store, options, n -> {
                    if (n % step < 5_000 || n == total) {
                        System.err.printf(Locale.ROOT, "\r%,d / %,d records", n, total);
                    }
                });
            }
            System.err.println();
            if (compact) {
                long began = System.nanoTime();
                AuditStores.compact(db);
                System.err.printf(Locale.ROOT, "compacted in %.1f s%n", (System.nanoTime() - began) / 1e9);
            }
            System.out.printf(
                    Locale.ROOT,
                    "%,d records in %.1f s (%,.0f records/s): %,d blocked, %,d errors, %,d timeouts; "
                            + "refund storm at %s: %,d calls, %,d let through%n",
                    s.records(),
                    s.took().toMillis() / 1000.0,
                    s.records() / Math.max(s.took().toMillis() / 1000.0, 0.001),
                    s.blocked(),
                    s.errors(),
                    s.timeouts(),
                    s.incidentStart(),
                    s.incidentCalls(),
                    s.incidentRefundsAllowed());
            return 0;
        } catch (AuditUnavailableException e) {
            System.err.println("generate-history: " + e.getMessage());
            return 1;
        }
    }

    private static String require(String option, String value) {
        if (value == null) {
            throw new IllegalArgumentException(option + " needs a value");
        }
        return value;
    }

    /** {@code 10000}, {@code 10k}, {@code 1M}, {@code 10M}. */
    static long parseSize(String text) {
        String t = text.trim().toLowerCase(Locale.ROOT).replace("_", "");
        long factor = 1;
        if (t.endsWith("k")) {
            factor = 1_000;
            t = t.substring(0, t.length() - 1);
        } else if (t.endsWith("m")) {
            factor = 1_000_000;
            t = t.substring(0, t.length() - 1);
        }
        try {
            long n = Long.parseLong(t) * factor;
            if (n < 1) {
                throw new NumberFormatException();
            }
            return n;
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("--size must be a count such as 10k, 1M or 10M, not '" + text + "'");
        }
    }
}
