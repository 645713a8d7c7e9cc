package dev.tollgate.upstream;

import dev.tollgate.config.ServerConfig;
import dev.tollgate.json.Json;
import dev.tollgate.pipeline.AgentChannel;
import dev.tollgate.pipeline.CancellationSignal;
import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;
import okhttp3.Call;
import okhttp3.HttpUrl;
import okhttp3.MediaType;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.RequestBody;
import okhttp3.Response;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * An MCP client session to an upstream over Streamable HTTP (protocol 2025-03-26, 2025-06-18, 2025-11-25).
 *
 * <p>Each request is a POST accepting {@code application/json} and {@code text/event-stream}; on an SSE answer,
 * everything the upstream sends before the response (progress, sampling or elicitation requests) goes to the
 * request's {@link RequestOptions#related()} channel unchanged, and an SSE answer the upstream closes before its
 * response is resumed with GET and {@code Last-Event-ID} ({@link HttpAnswer}). The {@code Mcp-Session-Id} from initialize and
 * the negotiated {@code MCP-Protocol-Version} go on every later request; a 404 (or the TypeScript SDK's 400) on a session means the upstream
 * forgot it, so the connection initializes again once and retries. A request that broke on a stale pooled
 * connection ({@link StaleConnectionProbe}) goes again once on a fresh one; any other I/O failure loses the
 * session, and a {@link Reconnector} initializes again with backoff while requests fail at once saying when to
 * retry. A GET stream carries messages the upstream sends on its own (a 405 just means it has none); the session
 * is DELETEd on close. Ids: see {@link JsonRpcSession}.
 */
public final class HttpUpstreamConnection implements UpstreamConnection {
    private static final Logger LOG = LoggerFactory.getLogger(HttpUpstreamConnection.class);
    private static final MediaType JSON = MediaType.get("application/json");
    private static final String SESSION_HEADER = "Mcp-Session-Id";
    private static final String VERSION_HEADER = "MCP-Protocol-Version";

    private final ServerConfig config;
    private final StateListeners stateListeners;
    private final HttpUrl url;
    private final OkHttpClient client;
    private final OkHttpClient freshClient;
    private final JsonRpcSession rpc;
    private final Reconnector reconnector;
    private final AsyncPosts asyncPosts;
    private final ServerEventStream stream;
    private final Object initLock = new Object();
    private volatile Optional<String> sessionId = Optional.empty();
    private volatile String protocolVersion = McpProtocol.LATEST;
    private volatile JsonNode initializeResult;
    private volatile boolean alive;
    private volatile boolean closed;

    private HttpUpstreamConnection(ServerConfig config, OkHttpClient client) {
        this.config = config;
        this.stateListeners = new StateListeners(config.name());
        this.url = HttpUrl.parse(config.url()
                .orElseThrow(() -> new IllegalArgumentException("server '" + config.name() + "' has no url")));
        if (url == null) {
            throw new IllegalArgumentException("server '" + config.name() + "' has an invalid url");
        }
        this.client = client;
        this.freshClient = UpstreamHttpClients.freshConnections(client);
        this.asyncPosts = new AsyncPosts(config.name(), client);
        this.rpc = new JsonRpcSession(config.name(), false, this::postAsync);
        this.stream = new ServerEventStream(
                config.name(), client, this::streamRequest, m -> rpc.dispatch(m, Optional.empty()));
        this.reconnector = new Reconnector(
                ResilienceSettings.of(config).backoff(), stateListeners, this::reestablish, () -> closed);
    }

    /** Connects and runs the initialize handshake within the server's timeout; fails with the reason. */
    public static HttpUpstreamConnection connect(ServerConfig config, OkHttpClient client) throws UpstreamException {
        HttpUpstreamConnection connection = new HttpUpstreamConnection(config, client);
        try {
            connection.initialize();
        } catch (UpstreamException | RuntimeException e) {
            connection.closed = true;
            throw e;
        }
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

    /** The session id the upstream assigned, if it uses sessions. */
    public Optional<String> sessionId() {
        return sessionId;
    }

    public String protocolVersion() {
        return protocolVersion;
    }

    private void initialize() throws UpstreamException {
        sessionId = Optional.empty();
        protocolVersion = McpProtocol.LATEST;
        JsonRpcSession.Pending p = rpc.begin("initialize", McpProtocol.initializeParams(), AgentChannel.DISCARD);
        Exchange answer;
        try {
            answer = exchange(p, McpProtocol.initializeParams(), RequestOptions.of(config.timeout()), false, true);
        } finally {
            rpc.end(p);
        }
        UpstreamResponse response = JsonRpcSession.toResponse(answer.message());
        if (response.error().isPresent()) {
            throw new UpstreamException(
                    "upstream '" + server() + "' refused initialize: "
                            + response.error().get().path("message").asString(),
                    false,
                    null);
        }
        JsonNode result = response.result().orElseThrow();
        protocolVersion = McpProtocol.negotiated(server(), result);
        sessionId = answer.sessionId();
        initializeResult = result;
        postNotification(JsonRpcSession.notificationMessage("notifications/initialized", null));
        alive = true;
        stream.open();
    }

    /** Initializes again after the upstream forgot {@code lostSession}, unless another thread already did. */
    private void reinitialize(Optional<String> lostSession) throws UpstreamException {
        synchronized (initLock) {
            if (!sessionId.equals(lostSession)) {
                return;
            }
            stateListeners.fire(UpstreamState.CONNECTING, "upstream no longer knows our session; initializing again");
            stream.cancel();
            try {
                initialize();
            } catch (UpstreamException e) {
                throw lost(e.getMessage(), e);
            }
            stateListeners.fire(UpstreamState.CONNECTED, "session re-established");
        }
    }

    /** One reconnect attempt: a new session from scratch. */
    private void reestablish() throws UpstreamException {
        synchronized (initLock) {
            if (closed) {
                throw new UpstreamException("connection to upstream '" + server() + "' is closed", false, null);
            }
            stream.cancel();
            initialize();
        }
    }

    /** The session is lost: requests fail at once from now on and the reconnect loop starts (once). */
    private UpstreamException lost(String why, Throwable cause) {
        alive = false;
        if (initializeResult != null) {
            reconnector.lost(why);
        }
        return new UpstreamException(why + "; Tollgate is reconnecting" + retryHint(), false, cause);
    }

    private String retryHint() {
        return reconnector.retryAt().map(at -> ", " + RetryHint.at(at)).orElse("");
    }

    @Override
    public UpstreamResponse request(String method, JsonNode params, RequestOptions options) throws UpstreamException {
        if (closed) {
            throw new UpstreamException("connection to upstream '" + server() + "' is closed", false, null);
        }
        if (!alive) {
            throw new UpstreamException(
                    "upstream '" + server() + "' is reconnecting after: " + reconnector.lastError() + retryHint(),
                    false,
                    null);
        }
        JsonRpcSession.Pending p = rpc.begin(method, params, options.related());
        try {
            return JsonRpcSession.toResponse(
                    exchange(p, params, options, true, true).message());
        } finally {
            rpc.end(p);
        }
    }

    /** One POSTed request and its answer (JSON body or SSE stream), with the session id the answer carried. */
    private record Exchange(JsonNode message, Optional<String> sessionId) {}

    private Exchange exchange(
            JsonRpcSession.Pending p,
            JsonNode params,
            RequestOptions options,
            boolean mayReinitialize,
            boolean mayRetryStale)
            throws UpstreamException {
        Duration timeout = options.timeout();
        Optional<String> sentSession = sessionId;
        ObjectNode message = JsonRpcSession.requestMessage(p.id(), p.method(), params);
        Call call = (mayRetryStale ? client : freshClient)
                .newCall(post(message, options.headers(), sentSession).build());
        StaleConnectionProbe probe = new StaleConnectionProbe();
        call.addEventListener(probe);
        ExchangeCalls calls =
                new ExchangeCalls(client, call, lastEventId -> resume(lastEventId, options.headers(), sentSession));
        AtomicBoolean timedOut = new AtomicBoolean();
        ScheduledFuture<?> deadline = Timers.SCHEDULER.schedule(
                () -> {
                    timedOut.set(true);
                    calls.cancel();
                },
                timeout.toMillis(),
                TimeUnit.MILLISECONDS);
        CancellationSignal.Registration watch = options.cancellation().onCancel(reason -> {
            postAsync(JsonRpcSession.agentCancelledMessage(p.id(), reason));
            calls.cancel();
        });
        boolean reinitialize = false;
        try (Response response = call.execute()) {
            if (sentSession.isPresent() && mayReinitialize && HttpAnswer.forgotSession(response)) {
                reinitialize = true;
            } else {
                return new Exchange(
                        HttpAnswer.read(server(), response, rpc, p, calls, timedOut),
                        Optional.ofNullable(response.header(SESSION_HEADER)));
            }
        } catch (IOException e) {
            if (timedOut.get()) {
                throw timedOut(p, timeout);
            }
            if (options.cancellation().isCancelled()) {
                throw rpc.cancelledByAgent(p, options.cancellation().reason().orElseThrow());
            }
            if (!(mayRetryStale && probe.failedOnIdleConnection())) {
                String why = "upstream '" + server() + "' is unreachable at " + url.redact() + ": "
                        + UpstreamHttpClients.describe(e);
                // A failed initialize is the caller's to handle (connect fails, the reconnect loop tries again).
                throw "initialize".equals(p.method()) ? new UpstreamException(why, false, e) : lost(why, e);
            }
            LOG.debug(
                    "upstream '{}' had closed an idle connection ({}); sending {} again on a fresh one",
                    server(),
                    UpstreamHttpClients.describe(e),
                    p.method());
        } finally {
            deadline.cancel(false);
            watch.close();
        }
        if (reinitialize) {
            reinitialize(sentSession);
            return exchange(p, params, options, false, mayRetryStale);
        }
        return exchange(p, params, options, mayReinitialize, false);
    }

    private UpstreamException timedOut(JsonRpcSession.Pending p, Duration timeout) {
        postAsync(JsonRpcSession.cancelledMessage(
                p.id(), "Tollgate stopped waiting after " + timeout.toMillis() + " ms"));
        return new UpstreamException(
                "upstream '" + server() + "' did not answer " + p.method() + " within " + timeout.toMillis() + " ms",
                true,
                null);
    }

    private Request.Builder post(JsonNode message, Map<String, String> callHeaders, Optional<String> session) {
        Request.Builder request = new Request.Builder()
                .url(url)
                .post(RequestBody.create(Json.write(message), JSON))
                .header("Accept", "application/json, text/event-stream");
        addHeaders(request, callHeaders, session);
        return request;
    }

    private void addHeaders(Request.Builder request, Map<String, String> callHeaders, Optional<String> session) {
        UpstreamCredentials.attach(request, config, callHeaders);
        session.ifPresent(id -> request.header(SESSION_HEADER, id));
        if (initializeResult != null) {
            request.header(VERSION_HEADER, protocolVersion);
        }
    }

    /** The GET that resumes an SSE answer the upstream closed before its response (2025-11-25 resumability). */
    private Request resume(String lastEventId, Map<String, String> callHeaders, Optional<String> session) {
        Request.Builder request = new Request.Builder()
                .url(url)
                .get()
                .header("Accept", "text/event-stream")
                .header("Last-Event-ID", lastEventId);
        addHeaders(request, callHeaders, session);
        return request.build();
    }

    private void postNotification(JsonNode message) throws UpstreamException {
        Call call = client.newCall(post(message, Map.of(), sessionId).build());
        call.timeout().timeout(config.timeout().toMillis(), TimeUnit.MILLISECONDS);
        try (Response response = call.execute()) {
            if (!response.isSuccessful()) {
                throw new UpstreamException(
                        "upstream '" + server() + "' refused "
                                + message.path("method").asString() + " with HTTP " + response.code(),
                        false,
                        null);
            }
        } catch (IOException e) {
            throw new UpstreamException(
                    "upstream '" + server() + "' is unreachable: " + UpstreamHttpClients.describe(e), false, e);
        }
    }

    private Request streamRequest() {
        Request.Builder request = new Request.Builder().url(url).get().header("Accept", "text/event-stream");
        addHeaders(request, Map.of(), sessionId);
        return request.build();
    }

    /** Sends a notification or response without waiting: the upstream answers those with 202 and nothing else. */
    private void postAsync(JsonNode message) {
        if (closed) {
            return;
        }
        asyncPosts.send(post(message, Map.of(), sessionId).build(), message);
    }

    @Override
    public void notify(String method, JsonNode params) {
        postAsync(JsonRpcSession.notificationMessage(method, params));
    }

    @Override
    public void respond(JsonNode response) {
        postAsync(response);
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
    public boolean isAlive() {
        return alive && !closed;
    }

    @Override
    public Optional<Instant> retryAt() {
        return reconnector.retryAt();
    }

    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        stream.close();
        rpc.failAll("connection to upstream '" + server() + "' closed");
        Optional<String> session = sessionId;
        if (session.isPresent()) {
            Request.Builder delete = new Request.Builder().url(url).delete();
            addHeaders(delete, Map.of(), session);
            Call call = client.newCall(delete.build());
            call.timeout().timeout(2, TimeUnit.SECONDS);
            try (Response response = call.execute()) {
                LOG.debug("upstream '{}' answered session DELETE with HTTP {}", server(), response.code());
            } catch (IOException e) {
                LOG.debug("upstream '{}' session DELETE failed: {}", server(), UpstreamHttpClients.describe(e));
            }
        }
        stateListeners.fire(UpstreamState.CLOSED, "closed");
    }

    @Override
    public String toString() {
        return "HttpUpstreamConnection[" + server() + ", " + url.redact() + "]";
    }
}
