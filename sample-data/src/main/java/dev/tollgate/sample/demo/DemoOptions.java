package dev.tollgate.sample.demo;

import dev.tollgate.sample.DemoPolicies;
import java.nio.file.Path;
import java.time.Duration;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.Optional;

/**
 * How to run the demo: where its files go ({@code workDir}, default a new directory per run under
 * {@code ~/.tollgate/demo/}, so two demos never share a configuration or store), which audit store to use
 * (empty: an H2 file in the work dir), which policy, and how long the payment processor
 * keeps a refund hanging before it times out. {@code historyRecords} of last month's generated traffic are
 * written to the store before the run, so search, replay and policy preview have something to work on.
 */
public record DemoOptions(
        Path workDir, Optional<String> auditUrl, DemoPolicies policy, Duration refundDelay, long historyRecords) {

    public DemoOptions {
        if (historyRecords < 0) {
            throw new IllegalArgumentException("history records cannot be negative: " + historyRecords);
        }
    }

    public static DemoOptions defaults() {
        return new DemoOptions(newRunDirectory(), Optional.empty(), DemoPolicies.INCIDENT, Duration.ofMillis(200), 0);
    }

    /** {@code ~/.tollgate/demo/<date>-<time>-<pid>}: unique per process, sorted by start time. */
    static Path newRunDirectory() {
        String run = DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss").format(LocalDateTime.now()) + "-"
                + ProcessHandle.current().pid();
        return Path.of(System.getProperty("user.home"), ".tollgate", "demo", run);
    }

    public DemoOptions withWorkDir(Path dir) {
        return new DemoOptions(dir, auditUrl, policy, refundDelay, historyRecords);
    }

    public DemoOptions withAuditUrl(String url) {
        return new DemoOptions(workDir, Optional.of(url), policy, refundDelay, historyRecords);
    }

    public DemoOptions withRefundDelay(Duration delay) {
        return new DemoOptions(workDir, auditUrl, policy, delay, historyRecords);
    }

    public DemoOptions withHistory(long records) {
        return new DemoOptions(workDir, auditUrl, policy, refundDelay, records);
    }
}
