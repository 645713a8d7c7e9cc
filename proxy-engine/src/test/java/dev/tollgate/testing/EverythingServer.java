package dev.tollgate.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.awaitility.Awaitility;

/**
 * The official {@code @modelcontextprotocol/server-everything} over Streamable HTTP, a real Node process on a
 * loopback port; {@link #kill()} and {@link #start()} again bring it down and back on the same port.
 * Node closes an idle keep-alive connection after {@link #KEEP_ALIVE}.
 */
public final class EverythingServer implements AutoCloseable {
    /** Node's default {@code server.keepAliveTimeout}, which server-everything keeps. */
    public static final Duration KEEP_ALIVE = Duration.ofSeconds(5);

    private final int port;
    private Process process;

    private EverythingServer(int port) {
        this.port = port;
    }

    /** Starts it on a free port and waits until it listens. */
    public static EverythingServer startOnFreePort() {
        EverythingServer server = new EverythingServer(NpmPeers.freePort());
        server.start();
        return server;
    }

    /** The stdio command line of the same server. */
    public static List<String> stdioCommand() {
        return NpmPeers.nodeCommand(
                NpmPeers.module("@modelcontextprotocol/server-everything", "dist/index.js"), "stdio");
    }

    /** Starts the process (again) on this server's port and waits until it listens. */
    public synchronized void start() {
        ProcessBuilder builder = new ProcessBuilder(NpmPeers.nodeCommand(
                        NpmPeers.module("@modelcontextprotocol/server-everything", "dist/index.js"), "streamableHttp"))
                .redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.DISCARD);
        builder.environment().put("PORT", Integer.toString(port));
        try {
            process = builder.start();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        Awaitility.await().atMost(Duration.ofSeconds(30)).until(() -> NpmPeers.listening(port));
    }

    /** Kills the process (SIGKILL: no goodbye to its clients) and waits until the port is closed. */
    public synchronized void kill() {
        process.destroyForcibly();
        try {
            process.waitFor(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> !NpmPeers.listening(port));
    }

    public int port() {
        return port;
    }

    public String url() {
        return "http://127.0.0.1:" + port + "/mcp";
    }

    @Override
    public synchronized void close() {
        if (process != null) {
            process.destroyForcibly();
        }
    }
}
