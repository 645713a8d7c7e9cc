package dev.tollgate.app;

import java.util.Arrays;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ScopeType;

/** The {@code tollgate} command line; with no command it opens the desktop app on the demo configuration. */
@Command(
        name = "tollgate",
        mixinStandardHelpOptions = true,
        // Every subcommand answers --help and --version, even those whose required options are missing.
        scope = ScopeType.INHERIT,
        version = "Tollgate 0.1.0",
        description = "Governs and records the tool calls AI agents make over MCP.",
        subcommands = {
            UiCommand.class,
            ServeCommand.class,
            StdioCommand.class,
            AuditCommand.class,
            PolicyCommand.class,
            DemoCommand.class,
            ToolsCommand.class,
            ApprovalsCommand.class
        })
public final class Main implements Callable<Integer> {

    public static void main(String[] args) {
        System.exit(run(args));
    }

    @Option(
            names = "--verbose",
            scope = ScopeType.INHERIT,
            description = "Log what the proxy does (info level); without it only warnings and errors are logged.")
    boolean verbose;

    /** Runs a command line and returns its exit code (tests call this instead of main). */
    public static int run(String... args) {
        if (Arrays.asList(args).contains("--verbose")) {
            // Before the first logger exists: slf4j-simple reads its level once.
            System.setProperty("org.slf4j.simpleLogger.defaultLogLevel", "info");
        }
        return new CommandLine(new Main())
                .setExecutionExceptionHandler(Main::reportFailure)
                .execute(args);
    }

    /** A command that fails unexpectedly says why in one line; the stack trace is for --verbose logs, not users. */
    private static int reportFailure(Exception e, CommandLine commandLine, CommandLine.ParseResult parsed) {
        Throwable cause = e;
        while (cause.getCause() != null && cause.getMessage() == null) {
            cause = cause.getCause();
        }
        commandLine
                .getErr()
                .println("tollgate: " + (cause.getMessage() == null ? cause.toString() : cause.getMessage()));
        return 1;
    }

    @Override
    public Integer call() {
        return new UiCommand().call();
    }
}
