package dev.tollgate.app;

import dev.tollgate.audit.AuditStores;
import dev.tollgate.audit.AuditUnavailableException;
import dev.tollgate.audit.JdbcAuditStore;
import dev.tollgate.audit.PruneResult;
import dev.tollgate.audit.Retention;
import dev.tollgate.config.ConfigException;
import dev.tollgate.config.ConfigLoader;
import dev.tollgate.config.TollgateConfig;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code tollgate audit prune}: removes old records, leaving a checkpoint record in the chain. */
@Command(
        name = "prune",
        mixinStandardHelpOptions = true,
        description =
                "Remove the records older than --before (default: now minus the configuration's audit.retention). "
                        + "A checkpoint record states what was removed, so audit verify stays meaningful; --archive keeps the "
                        + "removed records (gzipped JSON lines, hashes included). Stop the Tollgate writing the store first, "
                        + "or let its audit.retention prune while it runs.")
final class AuditPruneCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Mixin
    AuditCommand.StoreOptions store;

    @Option(names = "--before", paramLabel = "ISO-8601", description = "Remove records from before this time.")
    String before;

    @Option(names = "--archive", paramLabel = "FILE.jsonl.gz", description = "Write the removed records here first.")
    Path archive;

    @Override
    public Integer call() {
        try {
            Instant cutoff = cutoff();
            try (JdbcAuditStore audit = open()) {
                PruneResult result;
                try {
                    result = audit.prune(cutoff, Optional.ofNullable(archive));
                } catch (AuditUnavailableException | IllegalStateException e) {
                    throw new AuditCommand.Failure(AuditCommand.FAILED, e.getMessage());
                }
                PrintWriter out = spec.commandLine().getOut();
                if (result.pruned() == 0) {
                    out.println("nothing to prune before " + cutoff);
                } else {
                    out.println("pruned " + result.pruned() + " records before " + cutoff + " (checkpoint record "
                            + result.checkpointId().orElseThrow() + ")"
                            + (archive == null ? "" : "; archived to " + archive));
                }
                out.flush();
                return AuditCommand.OK;
            }
        } catch (AuditCommand.Failure f) {
            return AuditCommand.fail(spec, f);
        }
    }

    private Instant cutoff() throws AuditCommand.Failure {
        if (before != null) {
            return AuditQueryCommand.time("--before", before).orElseThrow();
        }
        if (store.source == null || store.source.config == null) {
            throw new AuditCommand.Failure(
                    AuditCommand.USAGE, "say --before, or --config with a file that sets audit.retention");
        }
        try {
            TollgateConfig config = new ConfigLoader(name ->
                            Optional.of(Optional.ofNullable(System.getenv(name)).orElse("")))
                    .load(store.source.config);
            Duration keep = Retention.configured(config)
                    .orElseThrow(() -> new AuditCommand.Failure(
                            AuditCommand.USAGE, store.source.config + " sets no audit.retention; say --before"));
            return Instant.now().minus(keep);
        } catch (ConfigException e) {
            throw new AuditCommand.Failure(AuditCommand.FAILED, e.getMessage());
        }
    }

    private JdbcAuditStore open() throws AuditCommand.Failure {
        String url;
        try {
            url = store.url();
        } catch (ConfigException e) {
            throw new AuditCommand.Failure(AuditCommand.FAILED, e.getMessage());
        }
        try {
            AuditStores.openExisting(url).close();
            return AuditStores.open(url);
        } catch (AuditUnavailableException e) {
            throw new AuditCommand.Failure(AuditCommand.USAGE, e.getMessage());
        } catch (IllegalArgumentException e) {
            throw new AuditCommand.Failure(AuditCommand.USAGE, e.getMessage());
        }
    }
}
