package dev.tollgate.upstream;

import dev.tollgate.config.ServerConfig;
import dev.tollgate.json.Json;
import dev.tollgate.logging.RateLimitedWarnings;
import dev.tollgate.pipeline.CancellationSignal;
import java.io.BufferedReader;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStreamWriter;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import tools.jackson.databind.JsonNode;

/**
 * An MCP client session to an upstream started as a child process: newline-delimited JSON-RPC on its
 * stdin/stdout, its stderr lines logged under the server's name. The configured {@code env} (credentials)
 * is given to the process at spawn and never logged. When the process dies, requests in flight fail at once
 * and a {@link Reconnector} starts it again with growing backoff and initializes it again. Ids: see
 * {@link JsonRpcSession}.
 */
public final class StdioUpstreamConnection implements UpstreamConnection {
    private static final Logger LOG = LoggerFactory.getLogger(StdioUpstreamConnection.class);
    private static final RateLimitedWarnings WARNINGS = new RateLimitedWarnings(LOG);

    private final ServerConfig config;
    private final StateListeners stateListeners;
    private final JsonRpcSession rpc;
    private final Reconnector reconnector;
    private final Object writeLock = new Object();
    private volatile Process process;
    private volatile BufferedWriter stdin;
    private volatile JsonNode initializeResult;
    private volatile boolean alive;
    private volatile boolean closed;
    private volatile boolean restartOnExit;
    private volatile int generation;

    private StdioUpstreamConnection(ServerConfig config) {
        if (config.command().isEmpty()) {
            throw new IllegalArgumentException("server '" + config.name() + "' has no command");
        }
        this.config = config;
        this.stateListeners = new StateListeners(config.name());
        this.rpc = new JsonRpcSession(config.name(), true, this::writeQuietly);
        this.reconnector =
                new Reconnector(ResilienceSettings.of(config).backoff(), stateListeners, this::restart, () -> closed);
    }

    /** Starts the process and runs the initialize handshake within the server's timeout; fails with the reason. */
    public static StdioUpstreamConnection connect(ServerConfig config) throws UpstreamException {
        StdioUpstreamConnection connection = new StdioUpstreamConnection(config);
        try {
            connection.startAndInitialize();
        } catch (UpstreamException | RuntimeException e) {
            connection.close();
            throw e;
        }
        connection.restartOnExit = true;
        return connection;
    }

    @Override
    public String server() {
        return config.name();
    }

    @Override
    public JsonNode initializeResult() {
        return initializeResult;
    }

    /** The running process's id, if one is running. */
    public OptionalLong pid() {
        Process p = process;
        return p != null && p.isAlive() ? OptionalLong.of(p.pid()) : OptionalLong.empty();
    }

    private void startAndInitialize() throws UpstreamException {
        int gen;
        synchronized (this) {
            gen = ++generation;
            ProcessBuilder builder = new ProcessBuilder(config.command());
            builder.environment().putAll(config.env());
            try {
                process = builder.start();
            } catch (IOException e) {
                throw new UpstreamException(
                        "could not start upstream '" + server() + "' ("
                                + config.command().get(0) + "): " + e.getMessage(),
                        false,
                        e);
            }
            stdin = new BufferedWriter(new OutputStreamWriter(process.getOutputStream(), StandardCharsets.UTF_8));
            Process started = process;
            daemon("tollgate-stdio-" + server() + "-out", () -> readStdout(started, gen));
            daemon("tollgate-stdio-" + server() + "-err", () -> readStderr(started));
        }
        JsonNode answer = send("initialize", McpProtocol.initializeParams(), RequestOptions.of(config.timeout()));
        UpstreamResponse response = JsonRpcSession.toResponse(answer);
        if (response.error().isPresent()) {
            process.destroyForcibly();
            throw new UpstreamException(
                    "upstream '" + server() + "' refused initialize: "
                            + response.error().get().path("message").asString(),
                    false,
                    null);
        }
        JsonNode result = response.result().orElseThrow();
        try {
            McpProtocol.negotiated(server(), result);
        } catch (UpstreamException e) {
            process.destroyForcibly();
            throw e;
        }
        initializeResult = result;
        write(JsonRpcSession.notificationMessage("notifications/initialized", null));
        alive = true;
    }

    private static void daemon(String name, Runnable body) {
        Thread t = new Thread(body, name);
        t.setDaemon(true);
        t.start();
    }

    private void readStdout(Process p, int gen) {
        try (BufferedReader out =
                new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
            String line;
            while ((line = out.readLine()) != null) {
                if (line.isBlank()) {
                    continue;
                }
                JsonNode message;
                try {
                    message = Json.parse(line);
                } catch (RuntimeException e) {
                    WARNINGS.warn(
                            "not-json " + server(),
                            "upstream '{}' wrote a line to stdout that is not JSON-RPC; " + "ignoring it",
                            server());
                    continue;
                }
                rpc.dispatch(message, Optional.empty());
            }
        } catch (IOException e) {
            LOG.debug("stdout of upstream '{}' closed: {}", server(), e.getMessage());
        }
        exited(p, gen);
    }

    private void readStderr(Process p) {
        try (BufferedReader err =
                new BufferedReader(new InputStreamReader(p.getErrorStream(), StandardCharsets.UTF_8))) {
            String line;
            while ((line = err.readLine()) != null) {
                LOG.info("[{}] {}", server(), line);
            }
        } catch (IOException e) {
            LOG.debug("stderr of upstream '{}' closed: {}", server(), e.getMessage());
        }
    }

    private void exited(Process p, int gen) {
        String code;
        try {
            code = p.waitFor(2, TimeUnit.SECONDS) ? Integer.toString(p.exitValue()) : "unknown (stdout closed)";
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            code = "unknown";
        }
        if (gen != generation) {
            return;
        }
        alive = false;
        String reason = "upstream '" + server() + "' exited with code " + code;
        rpc.failAll(reason);
        if (closed || !restartOnExit) {
            return;
        }
        reconnector.lost(reason);
    }

    /** One restart attempt; a process that started but did not initialize is killed so no stray child is left. */
    private void restart() throws UpstreamException {
        try {
            startAndInitialize();
        } catch (UpstreamException | RuntimeException e) {
            Process p = process;
            if (p != null && p.isAlive()) {
                p.destroyForcibly();
            }
            throw e;
        }
    }

    @Override
    public UpstreamResponse request(String method, JsonNode params, RequestOptions options) throws UpstreamException {
        if (closed) {
            throw new UpstreamException("connection to upstream '" + server() + "' is closed", false, null);
        }
        if (!alive) {
            throw new UpstreamException(
                    "upstream '" + server() + "' is not running (" + reconnector.lastError() + "); restarting it"
                            + reconnector.retryAt().map(at -> " at " + at).orElse(""),
                    false,
                    null);
        }
        return JsonRpcSession.toResponse(send(method, params, options));
    }

    private JsonNode send(String method, JsonNode params, RequestOptions options) throws UpstreamException {
        Duration timeout = options.timeout();
        JsonRpcSession.Pending p = rpc.begin(method, params, options.related());
        CancellationSignal.Registration watch = () -> {};
        try {
            write(JsonRpcSession.requestMessage(p.id(), method, params));
            watch = options.cancellation().onCancel(reason -> {
                writeQuietly(JsonRpcSession.agentCancelledMessage(p.id(), reason));
                p.answer().completeExceptionally(rpc.cancelledByAgent(p, reason));
            });
            return p.answer().get(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            writeQuietly(JsonRpcSession.cancelledMessage(
                    p.id(), "Tollgate stopped waiting after " + timeout.toMillis() + " ms"));
            throw new UpstreamException(
                    "upstream '" + server() + "' did not answer " + method + " within " + timeout.toMillis() + " ms",
                    true,
                    e);
        } catch (ExecutionException e) {
            if (e.getCause() instanceof UpstreamException u) {
                if (options.cancellation().isCancelled()) {
                    throw u;
                }
                throw new UpstreamException(u.getMessage() + " while waiting for " + method, false, u);
            }
            throw new UpstreamException("upstream '" + server() + "' failed: " + e.getCause(), false, e.getCause());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new UpstreamException("interrupted while waiting for upstream '" + server() + "'", false, e);
        } finally {
            watch.close();
            rpc.end(p);
        }
    }

    private void write(JsonNode message) throws UpstreamException {
        synchronized (writeLock) {
            try {
                stdin.write(Json.write(message));
                stdin.write('\n');
                stdin.flush();
            } catch (IOException e) {
                throw new UpstreamException(
                        "could not write to upstream '" + server() + "': " + whyWriteFailed(e), false, e);
            }
        }
    }

    /** A closed pipe usually means the process died; its exit code says more than "Stream closed". */
    private String whyWriteFailed(IOException e) {
        Process p = process;
        try {
            if (p != null && p.waitFor(1, TimeUnit.SECONDS)) {
                return "it exited with code " + p.exitValue();
            }
        } catch (InterruptedException interrupted) {
            Thread.currentThread().interrupt();
        }
        return e.getMessage();
    }

    private void writeQuietly(JsonNode message) {
        try {
            write(message);
        } catch (UpstreamException e) {
            LOG.warn("{}", e.getMessage());
        }
    }

    @Override
    public void notify(String method, JsonNode params) {
        writeQuietly(JsonRpcSession.notificationMessage(method, params));
    }

    @Override
    public void respond(JsonNode response) {
        writeQuietly(response);
    }

    @Override
    public void onUnsolicited(Consumer<JsonNode> listener) {
        rpc.onUnsolicited(listener);
    }

    @Override
    public void onStateChange(UpstreamStateListener listener) {
        stateListeners.add(listener);
    }

    @Override
    public Optional<Instant> retryAt() {
        return reconnector.retryAt();
    }

    @Override
    public boolean isAlive() {
        Process p = process;
        return alive && !closed && p != null && p.isAlive();
    }

    /** Requests in flight right now (for tests and diagnostics). */
    int inFlight() {
        return rpc.inFlight();
    }

    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        alive = false;
        rpc.failAll("connection to upstream '" + server() + "' closed");
        Process p = process;
        if (p != null) {
            try {
                p.getOutputStream().close();
            } catch (IOException e) {
                LOG.debug("closing stdin of upstream '{}': {}", server(), e.getMessage());
            }
            p.destroy();
            try {
                if (!p.waitFor(2, TimeUnit.SECONDS)) {
                    p.destroyForcibly();
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                p.destroyForcibly();
            }
        }
        stateListeners.fire(UpstreamState.CLOSED, "closed");
    }

    @Override
    public String toString() {
        return "StdioUpstreamConnection[" + server() + ", " + config.command().get(0) + "]";
    }
}
