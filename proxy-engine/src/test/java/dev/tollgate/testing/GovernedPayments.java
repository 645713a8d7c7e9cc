package dev.tollgate.testing;

import dev.tollgate.config.ConfigLoader;
import dev.tollgate.engine.TollgateEngine;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * A real Tollgate engine in front of a "payments" test server (tools {@code echo} and {@code charge}), on a config the
 * test writes: the engine-plus-agent set-up that policy, audit-server and security tests share.
 */
public final class GovernedPayments implements AutoCloseable {
    private final McpTestServer payments;
    private TollgateEngine engine;
    private final Path config;

    private GovernedPayments(McpTestServer payments, TollgateEngine engine, Path config) {
        this.payments = payments;
        this.engine = engine;
        this.config = config;
    }

    /** Writes the config body a test adds after the common head (listen, audit, servers). */
    @FunctionalInterface
    public interface ConfigBody {
        /** Returns the whole {@code tollgate.yaml}; may write sibling files (a shadow candidate) into the directory. */
        String write(String head) throws IOException;
    }

    /** Starts the server and an engine whose config is the common head followed by {@code agentsAndRoles}. */
    public static GovernedPayments start(Path dir, String agentsAndRoles) {
        return start(dir, head -> head + agentsAndRoles);
    }

    /** Starts the server and an engine on the config {@code body} builds from the common head. */
    public static GovernedPayments start(Path dir, ConfigBody body) {
        McpTestServer payments = McpTestServer.builder()
                .serverName("payments")
                .tools("echo", "charge")
                .start();
        try {
            String head = "listen: 127.0.0.1:0\n"
                    + "audit: { url: \"jdbc:h2:file:"
                    + dir.resolve("audit").toString().replace('\\', '/') + "\" }\n"
                    + "servers:\n  payments: { url: \"" + payments.url() + "\" }\n";
            Path config = Files.writeString(dir.resolve("tollgate.yaml"), body.write(head));
            return new GovernedPayments(payments, TollgateEngine.start(new ConfigLoader().load(config)), config);
        } catch (IOException e) {
            payments.close();
            throw new UncheckedIOException(e);
        } catch (RuntimeException e) {
            payments.close();
            throw e;
        }
    }

    public TollgateEngine engine() {
        return engine;
    }

    /** Stops the engine and starts a new one on the same config and store, as a restart of Tollgate would. */
    public TollgateEngine restartEngine() throws IOException {
        engine.close();
        engine = TollgateEngine.start(new ConfigLoader().load(config));
        return engine;
    }

    public McpTestServer payments() {
        return payments;
    }

    public Path config() {
        return config;
    }

    /** An agent connected with {@code key}, its calls tagged with {@code conversation}. */
    public AgentClient agent(String key, String conversation) {
        return agentBuilder(key).conversation(conversation).connect();
    }

    /** An agent client to the engine's endpoint with {@code key}, for tests that set more (timeouts, headers). */
    public AgentClient.Builder agentBuilder(String key) {
        return AgentClient.builder(engine.endpoint().orElseThrow().toString()).bearer(key);
    }

    @Override
    public void close() {
        engine.close();
        payments.close();
    }
}
