package dev.tollgate.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.awaitility.Awaitility;

/**
 * A Node MCP server process for tests on a free loopback port (given to it as {@code PORT}, with {@code MCP_PEERS}
 * naming tools/mcp-peers), its output in a log file; started once it listens, killed on {@link #close()}.
 */
public final class NodePeer implements AutoCloseable {
    private final int port;
    private final Process process;

    private NodePeer(int port, Process process) {
        this.port = port;
        this.process = process;
    }

    /** Runs {@code command} (see {@link NpmPeers#nodeCommand}) with {@code environment} added, logging to {@code log}. */
    public static NodePeer start(List<String> command, Map<String, String> environment, Path log) {
        int port = NpmPeers.freePort();
        Map<String, String> env = new HashMap<>(environment);
        env.put("PORT", Integer.toString(port));
        env.put("MCP_PEERS", NpmPeers.root().toString());
        ProcessBuilder builder =
                new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile());
        builder.environment().putAll(env);
        Process process;
        try {
            process = builder.start();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        NodePeer peer = new NodePeer(port, process);
        Awaitility.await().atMost(Duration.ofSeconds(60)).until(() -> NpmPeers.listening(port));
        return peer;
    }

    /** The MCP endpoint, {@code http://127.0.0.1:PORT/mcp}. */
    public String url() {
        return "http://127.0.0.1:" + port + "/mcp";
    }

    @Override
    public void close() {
        process.destroy();
    }
}
