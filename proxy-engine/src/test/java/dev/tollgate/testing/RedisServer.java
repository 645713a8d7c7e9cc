package dev.tollgate.testing;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.stream.Stream;

/**
 * A real {@code redis-server} child process on a free loopback port, no persistence, for the shared limit store's
 * tests. The binary comes from Debian's {@code redis-server} package ({@code .ci/run} installs it); without it the
 * tests fail and say so rather than skip.
 */
public final class RedisServer implements AutoCloseable {
    private static final List<Path> CANDIDATES = List.of(
            Path.of("/usr/bin/redis-server"),
            Path.of("/usr/local/bin/redis-server"),
            Path.of("/usr/sbin/redis-server"));

    private final int port;
    private Process process;

    private RedisServer(int port) {
        this.port = port;
    }

    /** Starts a fresh server; the port is free when picked, and a lost race for it is retried. */
    public static RedisServer start() {
        IllegalStateException last = null;
        for (int attempt = 0; attempt < 3; attempt++) {
            RedisServer server = new RedisServer(NpmPeers.freePort());
            try {
                server.launch();
                return server;
            } catch (IllegalStateException e) {
                last = e;
            }
        }
        throw last;
    }

    /** The binary: {@code REDIS_SERVER} if set, else the usual install paths or the PATH. */
    public static Path binary() {
        String configured = System.getenv("REDIS_SERVER");
        if (configured != null && !configured.isBlank()) {
            return Path.of(configured);
        }
        Stream<Path> onPath = Stream.of(System.getenv().getOrDefault("PATH", "").split(java.io.File.pathSeparator))
                .filter(s -> !s.isBlank())
                .map(s -> Path.of(s, "redis-server"));
        return Stream.concat(CANDIDATES.stream(), onPath)
                .filter(Files::isExecutable)
                .findFirst()
                .orElseThrow(() -> new IllegalStateException("redis-server is not installed: these tests need a real"
                        + " Redis (Debian: apt-get install -y redis-server, as .ci/run does; or set REDIS_SERVER)"));
    }

    private void launch() {
        try {
            process = new ProcessBuilder(
                            binary().toString(),
                            "--port",
                            Integer.toString(port),
                            "--bind",
                            "127.0.0.1",
                            "--save",
                            "",
                            "--appendonly",
                            "no",
                            "--protected-mode",
                            "no",
                            "--daemonize",
                            "no")
                    .redirectErrorStream(true)
                    .start();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start redis-server", e);
        }
        CompletableFuture<Boolean> ready = new CompletableFuture<>();
        StringBuilder output = new StringBuilder();
        Thread reader = new Thread(
                () -> {
                    try (BufferedReader lines = new BufferedReader(
                            new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
                        String line;
                        while ((line = lines.readLine()) != null) {
                            if (!ready.isDone()) {
                                output.append(line).append('\n');
                            }
                            if (line.contains("Ready to accept connections")) {
                                ready.complete(true);
                            }
                        }
                    } catch (IOException e) {
                        // The process ended; whether it was ready is decided below.
                    }
                    ready.complete(false);
                },
                "redis-server-" + port);
        reader.setDaemon(true);
        reader.start();
        boolean up;
        try {
            up = ready.get(30, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            up = false;
        } catch (ExecutionException | TimeoutException e) {
            up = false;
        }
        if (!up) {
            close();
            throw new IllegalStateException("redis-server did not start on port " + port + ":\n" + output);
        }
    }

    public int port() {
        return port;
    }

    /** The URL a configuration's {@code limitStore} takes. */
    public String url() {
        return "redis://127.0.0.1:" + port;
    }

    /** Starts the server again on its port after {@link #close}, as Redis coming back would. */
    public void restart() {
        launch();
    }

    /** Stops the server, as an outage would. */
    @Override
    public void close() {
        if (process != null && process.isAlive()) {
            process.destroy();
            try {
                if (!process.waitFor(10, TimeUnit.SECONDS)) {
                    process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }
}
