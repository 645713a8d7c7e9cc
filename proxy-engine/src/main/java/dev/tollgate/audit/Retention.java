package dev.tollgate.audit;

import dev.tollgate.config.Durations;
import dev.tollgate.config.TollgateConfig;
import java.time.Clock;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import tools.jackson.databind.JsonNode;

/** {@code audit.retention} applied while Tollgate runs: records older than the retention are pruned every hour. */
public final class Retention implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(Retention.class);
    private static final Duration FIRST_RUN = Duration.ofMinutes(1);
    private static final Duration EVERY = Duration.ofHours(1);

    private final ScheduledExecutorService timer;

    private Retention(ScheduledExecutorService timer) {
        this.timer = timer;
    }

    /** {@code audit.retention}: how long records are kept (e.g. {@code 90d}); empty keeps them for ever. */
    public static Optional<Duration> configured(TollgateConfig config) {
        JsonNode node = config.root().path("audit").path("retention");
        if (node.isMissingNode() || node.isNull()) {
            return Optional.empty();
        }
        try {
            return Optional.of(Durations.parse(node.asString()));
        } catch (IllegalArgumentException e) {
            throw config.sourceMap().error("/audit/retention", e.getMessage());
        }
    }

    /** Starts pruning {@code store} to {@code keep}, first a minute from now (not in the way of start-up). */
    public static Retention start(AuditStore store, Duration keep, Clock clock) {
        ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "tollgate-audit-retention");
            t.setDaemon(true);
            return t;
        });
        timer.scheduleWithFixedDelay(
                () -> {
                    try {
                        store.prune(clock.instant().minus(keep), Optional.empty());
                    } catch (AuditUnavailableException | RuntimeException e) {
                        LOG.warn("audit retention could not prune: {}", e.getMessage());
                    }
                },
                FIRST_RUN.toSeconds(),
                EVERY.toSeconds(),
                TimeUnit.SECONDS);
        return new Retention(timer);
    }

    @Override
    public void close() {
        timer.shutdownNow();
    }
}
