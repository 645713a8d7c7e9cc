package dev.tollgate.app;

import dev.tollgate.audit.AuditQuery;
import dev.tollgate.audit.AuditStores;
import dev.tollgate.audit.AuditUnavailableException;
import dev.tollgate.audit.JdbcAuditStore;
import dev.tollgate.audit.VerifyResult;
import dev.tollgate.config.ConfigException;
import dev.tollgate.config.ConfigLoader;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code tollgate audit}: query and verify the audit store from the command line. */
@Command(
        name = "audit",
        mixinStandardHelpOptions = true,
        description = "Query or verify the audit store.",
        subcommands = {AuditQueryCommand.class, AuditCommand.Verify.class, AuditPruneCommand.class})
public final class AuditCommand implements Callable<Integer> {
    static final int OK = 0;
    static final int FAILED = 1;
    static final int USAGE = 2;

    @Spec
    CommandSpec spec;

    /** {@code tollgate audit} without a subcommand is a usage error. */
    @Override
    public Integer call() {
        spec.commandLine().usage(spec.commandLine().getErr());
        return USAGE;
    }

    /** Which store to open: {@code --db} or the store a configuration file names (a mixin of both subcommands). */
    static final class StoreOptions {
        @ArgGroup(exclusive = true)
        Source source;

        static final class Source {
            @Option(
                    names = "--db",
                    paramLabel = "JDBC_URL",
                    description = "Audit database URL (default: " + ConfigLoader.DEFAULT_AUDIT_URL + ").")
            String db;

            @Option(
                    names = "--config",
                    paramLabel = "FILE",
                    description = "Read the audit URL from this configuration file.")
            Path config;
        }

        String url() {
            if (source != null && source.db != null) {
                return source.db;
            }
            if (source != null && source.config != null) {
                // Reading the audit URL must not need the agents' and servers' secrets in the environment.
                return new ConfigLoader(name -> Optional.of(
                                Optional.ofNullable(System.getenv(name)).orElse("")))
                        .load(source.config)
                        .auditUrl();
            }
            return ConfigLoader.DEFAULT_AUDIT_URL;
        }
    }

    /** A problem told in one line, with its exit code: 2 for what the user typed and for a missing store. */
    static final class Failure extends Exception {
        private static final long serialVersionUID = 1L;
        final int exitCode;

        Failure(int exitCode, String message) {
            super(message, null, false, false);
            this.exitCode = exitCode;
        }
    }

    /** Opens an existing store; a missing or unreachable store (or configuration file) is exit 2. */
    static JdbcAuditStore open(StoreOptions options) throws Failure {
        String url;
        try {
            url = options.url();
        } catch (ConfigException e) {
            throw new Failure(USAGE, e.getMessage());
        }
        try {
            return AuditStores.openExisting(url);
        } catch (AuditUnavailableException | IllegalArgumentException e) {
            throw new Failure(USAGE, e.getMessage());
        }
    }

    static int fail(CommandSpec spec, Failure failure) {
        spec.commandLine().getErr().println(spec.qualifiedName(" ") + ": " + failure.getMessage());
        spec.commandLine().getErr().flush();
        return failure.exitCode;
    }

    /** {@code tollgate audit verify}. */
    @Command(
            name = "verify",
            mixinStandardHelpOptions = true,
            description = "Check the tamper-evident hash chain: exit 0 when intact, 1 naming the first broken record.")
    static final class Verify implements Callable<Integer> {
        @Spec
        CommandSpec spec;

        @Mixin
        StoreOptions store;

        @Override
        public Integer call() {
            try (JdbcAuditStore audit = open(store)) {
                VerifyResult result;
                String label = Terminal.interactive()
                        ? String.format(
                                Locale.ROOT, "verifying the hash chain of %,d records", audit.count(AuditQuery.all()))
                        : "";
                try (Terminal.Progress progress = Terminal.progress(label)) {
                    result = audit.verify();
                } catch (IllegalStateException e) {
                    throw new Failure(USAGE, e.getMessage());
                }
                PrintWriter out = spec.commandLine().getOut();
                PrintWriter err = spec.commandLine().getErr();
                result.warnings().forEach(w -> err.println("warning: " + w));
                err.flush();
                if (result.intact()) {
                    out.println("intact (" + result.recordsChecked() + " records)");
                    out.flush();
                    return OK;
                }
                out.println("broken at record " + result.firstBrokenId().orElseThrow() + ": " + result.message());
                out.flush();
                return FAILED;
            } catch (Failure f) {
                return fail(spec, f);
            }
        }
    }
}
