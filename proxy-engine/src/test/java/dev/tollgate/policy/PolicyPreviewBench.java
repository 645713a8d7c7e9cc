package dev.tollgate.policy;

import dev.tollgate.audit.AuditQuery;
import dev.tollgate.audit.AuditRecord;
import dev.tollgate.audit.AuditStores;
import dev.tollgate.audit.JdbcAuditStore;
import dev.tollgate.config.ConfigLoader;
import dev.tollgate.pipeline.ToolAnnotations;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * Times a policy preview over an existing audit store, split into reading the store and evaluating the
 * candidate, in wall-clock and CPU time (CPU time stays meaningful on a shared, loaded machine).
 * {@code java -cp app/target/tollgate.jar:proxy-engine/target/test-classes dev.tollgate.policy.PolicyPreviewBench JDBC_URL CONFIG [ROUNDS]}
 */
public final class PolicyPreviewBench {
    private PolicyPreviewBench() {}

    public static void main(String[] args) throws Exception {
        CompiledPolicy candidate =
                CompiledPolicy.from(new ConfigLoader(name -> Optional.of("unset")).load(Path.of(args[1])));
        int rounds = args.length > 2 ? Integer.parseInt(args[2]) : 5;
        ThreadMXBean threads = ManagementFactory.getThreadMXBean();
        try (JdbcAuditStore store = AuditStores.openExisting(args[0])) {
            for (int round = 1; round <= rounds; round++) {
                long wall0 = System.nanoTime();
                long cpu0 = threads.getCurrentThreadCpuTime();
                PreviewReport report =
                        new PolicyPreview(candidate, tool -> ToolAnnotations.NONE, 20).run(store, AuditQuery.all());
                long wall1 = System.nanoTime();
                long cpu1 = threads.getCurrentThreadCpuTime();
                List<AuditRecord> records = new ArrayList<>();
                store.scan(AuditQuery.all(), records::add);
                long cpu2 = threads.getCurrentThreadCpuTime();
                PolicyPreview.Run run = new PolicyPreview(candidate, tool -> ToolAnnotations.NONE, 20).start();
                records.forEach(run);
                run.finish();
                long cpu3 = threads.getCurrentThreadCpuTime();
                System.out.printf(
                        Locale.ROOT,
                        "round %d: %d calls, %d allowed->blocked, %d blocked->allowed; preview %d ms wall,"
                                + " %d ms CPU (reading the store %d ms CPU, evaluating %d ms CPU)%n",
                        round,
                        report.evaluated(),
                        report.allowedToBlocked(),
                        report.blockedToAllowed(),
                        (wall1 - wall0) / 1_000_000,
                        (cpu1 - cpu0) / 1_000_000,
                        (cpu2 - cpu1) / 1_000_000,
                        (cpu3 - cpu2) / 1_000_000);
            }
        }
    }
}
