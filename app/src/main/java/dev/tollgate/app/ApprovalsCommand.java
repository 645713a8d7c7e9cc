package dev.tollgate.app;

import dev.tollgate.approval.ApprovalDesk;
import dev.tollgate.approval.ApprovalSettings;
import dev.tollgate.approval.HeldCall;
import dev.tollgate.config.ConfigException;
import dev.tollgate.json.Json;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.TreeSet;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code tollgate approvals list|approve|deny}: the calls a running Tollgate holds for a person, and answering one.
 * Talks to the instance through the {@code tollgate-approvals} directory next to the configuration file.
 */
@Command(
        name = "approvals",
        description = "List the calls held for a person's approval, or approve or deny one.",
        subcommands = {ApprovalsCommand.ListHeld.class, ApprovalsCommand.Approve.class, ApprovalsCommand.Deny.class})
public final class ApprovalsCommand implements Callable<Integer> {
    /** How long approve/deny waits for the running instance to take the answer. */
    static final Duration PICKUP = Duration.ofSeconds(10);

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        spec.commandLine().usage(spec.commandLine().getErr());
        return 2;
    }

    private static Path directory(Path config) {
        return ApprovalSettings.directoryFor(PolicyCommand.loadForCheck(config, new TreeSet<>()))
                .orElseThrow();
    }

    /** {@code tollgate approvals list --config FILE}: one held call per line, its id first. */
    @Command(name = "list", description = "One held call per line: id, held since, agent, tool, arguments, rule.")
    static final class ListHeld implements Callable<Integer> {
        @Spec
        CommandSpec spec;

        @Option(names = "--config", required = true, paramLabel = "FILE", description = "the configuration file")
        Path config;

        @Override
        public Integer call() {
            PrintWriter out = spec.commandLine().getOut();
            PrintWriter err = spec.commandLine().getErr();
            List<HeldCall> held;
            try {
                held = ApprovalDesk.readPending(directory(config));
            } catch (ConfigException | IOException e) {
                err.println(e.getMessage());
                err.flush();
                return 2;
            }
            for (HeldCall call : held) {
                out.printf(
                        "%s  %s  %s%s  %s  %s  conversation=%s  rule=\"%s\" (%s)  deadline=%s%n",
                        call.id(),
                        call.heldAt(),
                        call.agentId(),
                        call.user().map(u -> " (user " + u + ")").orElse(""),
                        call.tool(),
                        Json.write(call.arguments()),
                        call.conversationId().orElse("-"),
                        call.rule(),
                        call.ruleSource(),
                        call.deadline());
            }
            out.flush();
            return 0;
        }
    }

    /** What approve and deny share: find the call, write the answer, wait for the instance to take it. */
    abstract static class Answer implements Callable<Integer> {
        @Spec
        CommandSpec spec;

        @Option(names = "--config", required = true, paramLabel = "FILE", description = "the configuration file")
        Path config;

        @Option(names = "--note", paramLabel = "TEXT", description = "why; kept on the audit record")
        String note;

        @Parameters(index = "0", paramLabel = "ID", description = "the held call's id, as 'approvals list' shows it")
        String id;

        abstract boolean approved();

        @Override
        public Integer call() throws InterruptedException {
            PrintWriter out = spec.commandLine().getOut();
            PrintWriter err = spec.commandLine().getErr();
            Path dir;
            try {
                dir = directory(config);
                if (!ApprovalDesk.isPending(dir, id)) {
                    err.println("no call " + id + " is waiting for approval (see: tollgate approvals list --config "
                            + config + ")");
                    err.flush();
                    return 1;
                }
                ApprovalDesk.writeAnswer(
                        dir, id, approved(), System.getProperty("user.name", "someone") + " (cli)", note);
            } catch (ConfigException | IOException e) {
                err.println(e.getMessage());
                err.flush();
                return 2;
            }
            Instant until = Instant.now().plus(PICKUP);
            while (ApprovalDesk.isPending(dir, id) && Instant.now().isBefore(until)) {
                Thread.sleep(100);
            }
            if (ApprovalDesk.isPending(dir, id)) {
                err.println("Tollgate did not take the answer within " + PICKUP.toSeconds() + " s; is it running?");
                err.flush();
                return 1;
            }
            out.println(id + (approved() ? " approved" : " denied"));
            out.flush();
            return 0;
        }
    }

    /** {@code tollgate approvals approve --config FILE ID [--note TEXT]}. */
    @Command(name = "approve", description = "Let a held call go through.")
    static final class Approve extends Answer {
        @Override
        boolean approved() {
            return true;
        }
    }

    /** {@code tollgate approvals deny --config FILE ID [--note TEXT]}. */
    @Command(name = "deny", description = "Block a held call; the agent is told who denied it and why.")
    static final class Deny extends Answer {
        @Override
        boolean approved() {
            return false;
        }
    }
}
