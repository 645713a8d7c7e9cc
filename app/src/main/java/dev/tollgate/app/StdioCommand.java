package dev.tollgate.app;

import dev.tollgate.config.ConfigException;
import dev.tollgate.config.ConfigLoader;
import dev.tollgate.engine.TollgateEngine;
import dev.tollgate.identity.Authenticator;
import dev.tollgate.identity.Credentials;
import dev.tollgate.transport.StdioTransport;
import java.io.FileDescriptor;
import java.io.FileOutputStream;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code tollgate stdio}: serves one agent over stdin/stdout; stdout carries nothing but JSON-RPC. */
@Command(
        name = "stdio",
        mixinStandardHelpOptions = true,
        description = "Serves one agent over stdin/stdout (MCP stdio transport); logs go to stderr.")
public final class StdioCommand implements Callable<Integer> {
    @Option(names = "--config", required = true, paramLabel = "FILE", description = "the Tollgate configuration (YAML)")
    Path config;

    @Option(
            names = "--agent-key-env",
            required = true,
            paramLabel = "VAR",
            description = "the environment variable holding the agent's key")
    String agentKeyEnv;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        PrintWriter err = spec.commandLine().getErr();
        String key = System.getenv(agentKeyEnv);
        if (key == null || key.isBlank()) {
            err.println("tollgate stdio: environment variable " + agentKeyEnv + " is not set");
            err.flush();
            return 2;
        }
        if (!Files.isRegularFile(config)) {
            return PolicyCommand.missing(err, config);
        }
        // Only JSON-RPC may reach stdout: anything else printing there would corrupt the agent's stream.
        PrintStream protocolOut = new PrintStream(new FileOutputStream(FileDescriptor.out), true);
        System.setOut(System.err);
        TollgateEngine engine;
        try {
            engine = TollgateEngine.startWithoutHttp(new ConfigLoader().load(config));
        } catch (ConfigException e) {
            err.println(e.getMessage());
            err.flush();
            return 1;
        } catch (RuntimeException e) {
            err.println("tollgate stdio: " + e.getMessage());
            err.flush();
            return 1;
        }
        try {
            Credentials credentials = Credentials.bearer(key);
            Authenticator.AuthResult auth = engine.authenticator().authenticate(credentials);
            if (auth instanceof Authenticator.AuthResult.Refused refused) {
                err.println("tollgate stdio: the key in " + agentKeyEnv + " is refused: " + refused.message());
                err.flush();
                return 1;
            }
            new StdioTransport(
                            engine.gateway(),
                            engine.sessions(),
                            ((Authenticator.AuthResult.Authenticated) auth).identity(),
                            credentials,
                            System.in,
                            protocolOut)
                    .run();
            return 0;
        } finally {
            engine.close();
        }
    }
}
