package dev.tollgate.app;

import dev.tollgate.config.ConfigException;
import dev.tollgate.config.TollgateConfig;
import dev.tollgate.pinning.DefinitionDiff;
import dev.tollgate.pinning.LockFile;
import dev.tollgate.pinning.PinningSettings;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Map;
import java.util.TreeSet;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code tollgate tools diff|approve}: the pinned tool definitions of a configuration's lock file against the
 * changed ones a running Tollgate recorded there, and re-pinning one (the running instance watches the file).
 */
@Command(
        name = "tools",
        description = "Show changed tool definitions against their pins, or approve one.",
        subcommands = {ToolsCommand.Diff.class, ToolsCommand.Approve.class})
public final class ToolsCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        spec.commandLine().usage(spec.commandLine().getErr());
        return 2;
    }

    /** The lock file a configuration names; exits 2 through the exception when it cannot be read at all. */
    private static Path lockFile(Path config) {
        TollgateConfig loaded = PolicyCommand.loadForCheck(config, new TreeSet<>());
        return PinningSettings.from(loaded).file().orElseThrow();
    }

    private static int fail(PrintWriter err, int code, String message) {
        err.println(message);
        err.flush();
        return code;
    }

    /** {@code tollgate tools diff --config FILE}: exit 0 when every pin holds, 1 when some tool changed. */
    @Command(
            name = "diff",
            description = "Show each tool whose offered definition differs from its pin; exit 1 if any.")
    static final class Diff implements Callable<Integer> {
        @Spec
        CommandSpec spec;

        @Option(names = "--config", required = true, paramLabel = "FILE", description = "the configuration file")
        Path config;

        @Override
        public Integer call() {
            PrintWriter out = spec.commandLine().getOut();
            PrintWriter err = spec.commandLine().getErr();
            Path lock;
            Map<String, LockFile.Pin> pins;
            try {
                lock = lockFile(config);
                if (!Files.exists(lock)) {
                    return fail(err, 2, "no lock file at " + lock + " (a running Tollgate writes it on first sight)");
                }
                pins = LockFile.read(lock);
            } catch (ConfigException e) {
                return fail(err, 2, e.getMessage());
            } catch (IOException e) {
                return fail(err, 2, e.getMessage());
            }
            int changed = 0;
            for (Map.Entry<String, LockFile.Pin> e : pins.entrySet()) {
                LockFile.Pin pin = e.getValue();
                if (!pin.changed()) {
                    continue;
                }
                changed++;
                LockFile.Offer offer = pin.offered().orElseThrow();
                out.printf(
                        "%s: definition changed%n  pinned  %s  sha256 %s%n  offered %s  sha256 %s%n",
                        e.getKey(), pin.pinnedAt(), pin.sha256(), offer.seenAt(), offer.sha256());
                for (String line : DefinitionDiff.lines(pin.definition(), offer.definition())) {
                    out.println("  " + line);
                }
                out.println();
            }
            if (changed == 0) {
                out.printf("%s: all %d pinned tool definitions hold.%n", lock, pins.size());
            } else {
                out.printf(
                        "%d of %d pinned tools changed; approve one with: tollgate tools approve --config %s "
                                + "SERVER.TOOL%n",
                        changed, pins.size(), config);
            }
            out.flush();
            return changed == 0 ? 0 : 1;
        }
    }

    /** {@code tollgate tools approve --config FILE SERVER.TOOL}. */
    @Command(
            name = "approve",
            description = "Pin the changed definition of SERVER.TOOL that a running Tollgate recorded.")
    static final class Approve implements Callable<Integer> {
        @Spec
        CommandSpec spec;

        @Option(names = "--config", required = true, paramLabel = "FILE", description = "the configuration file")
        Path config;

        @Parameters(
                index = "0",
                paramLabel = "SERVER.TOOL",
                description = "the tool to re-pin, e.g. payments.issueRefund")
        String tool;

        @Override
        public Integer call() {
            PrintWriter out = spec.commandLine().getOut();
            PrintWriter err = spec.commandLine().getErr();
            try {
                Path lock = lockFile(config);
                if (!Files.exists(lock)) {
                    return fail(err, 2, "no lock file at " + lock);
                }
                LockFile.Pin pin = LockFile.approveOffered(lock, tool, Instant.now());
                out.printf(
                        "%s re-pinned (sha256 %s) in %s; a running Tollgate lists it again.%n",
                        tool, pin.sha256(), lock);
                out.flush();
                return 0;
            } catch (ConfigException e) {
                return fail(err, 2, e.getMessage());
            } catch (IOException e) {
                return fail(err, 2, e.getMessage());
            } catch (IllegalArgumentException e) {
                return fail(err, 1, e.getMessage());
            }
        }
    }
}
