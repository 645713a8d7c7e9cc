package dev.tollgate.app;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import picocli.CommandLine;

/** {@code --help} on any command prints that command's usage and exits 0, even when its required options are absent. */
class HelpTest {

    @ParameterizedTest
    @ValueSource(
            strings = {
                "serve",
                "stdio",
                "ui",
                "demo",
                "audit query",
                "audit verify",
                "audit prune",
                "policy check",
                "policy preview",
                "policy shadow-report",
                "tools diff",
                "tools approve",
                "approvals list",
                "approvals approve",
                "approvals deny"
            })
    void helpPrintsTheCommandsOwnUsage(String command) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        String[] words = command.split(" ");
        String[] args = new String[words.length + 1];
        System.arraycopy(words, 0, args, 0, words.length);
        args[words.length] = "--help";

        int exit = new CommandLine(new Main())
                .setOut(new PrintWriter(out, true))
                .setErr(new PrintWriter(err, true))
                .execute(args);

        assertThat(exit).isZero();
        assertThat(err.toString()).doesNotContain("Missing required");
        assertThat(out.toString()).startsWith("Usage: tollgate " + command);
    }
}
