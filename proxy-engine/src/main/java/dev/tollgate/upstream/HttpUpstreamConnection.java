package dev.tollgate.upstream;

import dev.tollgate.config.ServerConfig;
import dev.tollgate.json.Json;
import dev.tollgate.pipeline.AgentChannel;
import dev.tollgate.pipeline.CancellationSignal;
import java.io.IOException;
import java.time.Duration;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;
import okhttp3.Call;
import okhttp3.Callback;
import okhttp3.ConnectionPool;
import okhttp3.HttpUrl;
import okhttp3.MediaType;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.RequestBody;
import okhttp3.Response;
import okhttp3.ResponseBody;
import okhttp3.sse.EventSource;
import okhttp3.sse.EventSourceListener;
import okhttp3.sse.EventSources;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * An MCP client session to an upstream over Streamable HTTP (protocol 2025-03-26, 2025-06-18, 2025-11-25).
 *
 * <p>Each request is a POST accepting {@code application/json} and {@code text/event-stream}; on an SSE answer,
 * everything the upstream sends before the response (progress, sampling or elicitation requests) goes to the
 * request's {@link RequestOptions#related()} channel unchanged. The {@code Mcp-Session-Id} from initialize and
 * the negotiated {@code MCP-Protocol-Version} go on every later request; a 404 on a session means the upstream
 * forgot it, so the connection initializes again once and retries. A GET stream carries messages the upstream
 * sends on its own (a 405 just means it has none); the session is DELETEd on close. Ids: see
 * {@link JsonRpcSession}.
 */
public final class HttpUpstreamConnection implements UpstreamConnection {
    private static final Logger LOG = LoggerFactory.getLogger(HttpUpstreamConnection.class);
    private static final MediaType JSON = MediaType.get("application/json");
    private static final String SESSION_HEADER = "Mcp-Session-Id";
    private static final String VERSION_HEADER = "MCP-Protocol-Version";
    private static final Duration STREAM_RETRY_MAX = Duration.ofSeconds(30);
    /**
     * Idle upstream connections kept for reuse. OkHttp's default of 5 is below the proxy's usual concurrency:
     * with more calls in flight than that, every burst closed the surplus connections and the next burst
     * opened new ones (thousands of reconnects a minute under load).
     */
    static final int MAX_IDLE_CONNECTIONS = 64;

    private final ServerConfig config;
    private final StateListeners stateListeners;
    private final HttpUrl url;
    private final OkHttpClient client;
    private final JsonRpcSession rpc;
    private final Object initLock = new Object();
    private volatile Optional<String> sessionId = Optional.empty();
    private volatile String protocolVersion = McpProtocol.LATEST;
    private volatile JsonNode initializeResult;
    private volatile EventSource stream;
    private volatile boolean alive;
    private volatile boolean closed;

    private HttpUpstreamConnection(ServerConfig config, OkHttpClient client) {
        this.config = config;
        this.stateListeners = new StateListeners(config.name());
        this.url = HttpUrl.parse(config.url().orElseThrow(
                () -> new IllegalArgumentException("server '" + config.name() + "' has no url")));
        if (url == null) {
            throw new IllegalArgumentException("server '" + config.name() + "' has an invalid url");
        }
        this.client = client;
        this.rpc = new JsonRpcSession(config.name(), false, this::postAsync);
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

    /** An OkHttp client suited to upstream calls: no read timeout (each call has its own deadline). */
    public static OkHttpClient defaultClient() {
        return new OkHttpClient.Builder().connectTimeout(Duration.ofSeconds(10)).readTimeout(Duration.ZERO)
                .writeTimeout(Duration.ofSeconds(30)).retryOnConnectionFailure(false)
                .connectionPool(new ConnectionPool(MAX_IDLE_CONNECTIONS, 5, TimeUnit.MINUTES)).build();
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
            answer = exchange(p, McpProtocol.initializeParams(), RequestOptions.of(config.timeout()), false);
        } finally {
            rpc.end(p);
        }
        UpstreamResponse response = JsonRpcSession.toResponse(answer.message());
        if (response.error().isPresent()) {
            throw new UpstreamException("upstream '" + server() + "' refused initialize: "
                    + response.error().get().path("message").asString(), false, null);
        }
        JsonNode result = response.result().orElseThrow();
        protocolVersion = McpProtocol.negotiated(server(), result);
        sessionId = answer.sessionId();
        initializeResult = result;
        postNotification(JsonRpcSession.notificationMessage("notifications/initialized", null));
        alive = true;
        openStream(Duration.ofSeconds(1));
    }

    /** Initializes again after the upstream forgot {@code lostSession}, unless another thread already did. */
    private void reinitialize(Optional<String> lostSession) throws UpstreamException {
        synchronized (initLock) {
            if (!sessionId.equals(lostSession)) {
                return;
            }
            LOG.info("upstream '{}' forgot session; initializing again", server());
            stateListeners.fire(UpstreamState.CONNECTING, "session expired; initializing again");
            closeStream();
            initialize();
            stateListeners.fire(UpstreamState.CONNECTED, "session re-established");
        }
    }

    @Override
    public UpstreamResponse request(String method, JsonNode params, RequestOptions options) throws UpstreamException {
        if (closed) {
            throw new UpstreamException("connection to upstream '" + server() + "' is closed", false, null);
        }
        JsonRpcSession.Pending p = rpc.begin(method, params, options.related());
        try {
            return JsonRpcSession.toResponse(exchange(p, params, options, true).message());
        } finally {
            rpc.end(p);
        }
    }

    /** One POSTed request and its answer (JSON body or SSE stream), with the session id the answer carried. */
    private record Exchange(JsonNode message, Optional<String> sessionId) {}

    private Exchange exchange(JsonRpcSession.Pending p, JsonNode params, RequestOptions options,
                              boolean mayReinitialize) throws UpstreamException {
        Duration timeout = options.timeout();
        Optional<String> sentSession = sessionId;
        ObjectNode message = JsonRpcSession.requestMessage(p.id(), p.method(), params);
        Call call = client.newCall(post(message, options.headers(), sentSession).build());
        AtomicBoolean timedOut = new AtomicBoolean();
        ScheduledFuture<?> deadline = Timers.SCHEDULER.schedule(() -> {
            timedOut.set(true);
            call.cancel();
        }, timeout.toMillis(), TimeUnit.MILLISECONDS);
        CancellationSignal.Registration watch = options.cancellation().onCancel(reason -> {
            postAsync(JsonRpcSession.agentCancelledMessage(p.id(), reason));
            call.cancel();
        });
        boolean retry = false;
        try (Response response = call.execute()) {
            if (response.code() == 404 && sentSession.isPresent() && mayReinitialize) {
                retry = true;
            } else {
                return new Exchange(read(response, p, call, timedOut), Optional.ofNullable(response.header(SESSION_HEADER)));
            }
        } catch (IOException e) {
            if (timedOut.get()) {
                throw timedOut(p, timeout);
            }
            if (options.cancellation().isCancelled()) {
                throw rpc.cancelledByAgent(p, options.cancellation().reason().orElseThrow());
            }
            alive = false;
            throw new UpstreamException("upstream '" + server() + "' is unreachable at " + url.redact() + ": "
                    + describe(e), false, e);
        } finally {
            deadline.cancel(false);
            watch.close();
        }
        if (retry) {
            reinitialize(sentSession);
        }
        return exchange(p, params, options, false);
    }

    private JsonNode read(Response response, JsonRpcSession.Pending p, Call call, AtomicBoolean timedOut)
            throws IOException, UpstreamException {
        ResponseBody body = response.body();
        String type = Optional.ofNullable(response.header("Content-Type")).orElse("").toLowerCase(Locale.ROOT);
        if (!response.isSuccessful()) {
            String text = body.string();
            Optional<JsonNode> rpcError = parseQuietly(text).filter(m -> m.has("error"));
            if (rpcError.isPresent()) {
                return rpcError.get();
            }
            throw new UpstreamException("upstream '" + server() + "' answered " + p.method() + " with HTTP "
                    + response.code() + (text.isBlank() ? "" : ": " + abbreviate(text)), false, null);
        }
        if (type.startsWith("text/event-stream")) {
            EventSources.processResponse(response, new EventSourceListener() {
                @Override
                public void onEvent(EventSource source, String id, String event, String data) {
                    if (event != null && !"message".equals(event)) {
                        return;
                    }
                    Optional<JsonNode> message = parseQuietly(data);
                    if (message.isEmpty()) {
                        LOG.warn("upstream '{}' sent an SSE event that is not JSON", server());
                        return;
                    }
                    rpc.dispatch(message.get(), Optional.of(p.related()));
                    if (p.answer().isDone()) {
                        source.cancel();
                    }
                }
            });
        } else if (type.startsWith("application/json")) {
            String text = body.string();
            JsonNode parsed = parseQuietly(text).orElseThrow(() -> new UpstreamException("upstream '" + server()
                    + "' answered " + p.method() + " with something that is not JSON: " + abbreviate(text), false, null));
            if (parsed.isArray()) {
                for (JsonNode m : parsed) {
                    rpc.dispatch(m, Optional.of(p.related()));
                }
            } else {
                rpc.dispatch(parsed, Optional.of(p.related()));
            }
        } else {
            throw new UpstreamException("upstream '" + server() + "' answered " + p.method() + " with HTTP "
                    + response.code() + " and content type '" + type + "', not JSON or an event stream", false, null);
        }
        if (call.isCanceled()) {
            throw new IOException(timedOut.get() ? "timed out" : "cancelled");
        }
        if (!p.answer().isDone()) {
            throw new UpstreamException("upstream '" + server() + "' ended its answer to " + p.method()
                    + " without a JSON-RPC response", false, null);
        }
        try {
            return p.answer().join();
        } catch (CompletionException e) {
            throw new UpstreamException("upstream '" + server() + "' failed: " + e.getCause().getMessage(), false, e);
        }
    }

    private UpstreamException timedOut(JsonRpcSession.Pending p, Duration timeout) {
        postAsync(JsonRpcSession.cancelledMessage(p.id(),
                "Tollgate stopped waiting after " + timeout.toMillis() + " ms"));
        return new UpstreamException("upstream '" + server() + "' did not answer " + p.method() + " within "
                + timeout.toMillis() + " ms", true, null);
    }

    private Request.Builder post(JsonNode message, Map<String, String> callHeaders, Optional<String> session) {
        Request.Builder request = new Request.Builder().url(url)
                .post(RequestBody.create(Json.write(message), JSON))
                .header("Accept", "application/json, text/event-stream");
        addHeaders(request, callHeaders, session);
        return request;
    }

    private void addHeaders(Request.Builder request, Map<String, String> callHeaders, Optional<String> session) {
        config.headers().forEach(request::header);
        callHeaders.forEach(request::header);
        session.ifPresent(id -> request.header(SESSION_HEADER, id));
        if (initializeResult != null) {
            request.header(VERSION_HEADER, protocolVersion);
        }
    }

    private void postNotification(JsonNode message) throws UpstreamException {
        Call call = client.newCall(post(message, Map.of(), sessionId).build());
        call.timeout().timeout(config.timeout().toMillis(), TimeUnit.MILLISECONDS);
        try (Response response = call.execute()) {
            if (!response.isSuccessful()) {
                throw new UpstreamException("upstream '" + server() + "' refused " + message.path("method").asString()
                        + " with HTTP " + response.code(), false, null);
            }
        } catch (IOException e) {
            throw new UpstreamException("upstream '" + server() + "' is unreachable: " + describe(e), false, e);
        }
    }

    /** Sends a notification or response without waiting: the upstream answers those with 202 and nothing else. */
    private void postAsync(JsonNode message) {
        if (closed) {
            return;
        }
        client.newCall(post(message, Map.of(), sessionId).build()).enqueue(new Callback() {
            @Override
            public void onFailure(Call call, IOException e) {
                LOG.warn("could not send {} to upstream '{}': {}", kind(message), server(), describe(e));
            }

            @Override
            public void onResponse(Call call, Response response) {
                try (response) {
                    if (!response.isSuccessful()) {
                        LOG.warn("upstream '{}' refused {} with HTTP {}", server(), kind(message), response.code());
                    }
                }
            }
        });
    }

    private static String kind(JsonNode message) {
        return message.has("method") ? message.path("method").asString() : "a response";
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

    private void openStream(Duration retryDelay) {
        if (closed) {
            return;
        }
        Request.Builder request = new Request.Builder().url(url).get().header("Accept", "text/event-stream");
        addHeaders(request, Map.of(), sessionId);
        Optional<String> streamSession = sessionId;
        stream = EventSources.createFactory(client).newEventSource(request.build(), new EventSourceListener() {
            @Override
            public void onEvent(EventSource source, String id, String event, String data) {
                parseQuietly(data).ifPresent(m -> rpc.dispatch(m, Optional.empty()));
            }

            @Override
            public void onClosed(EventSource source) {
                retry();
            }

            @Override
            public void onFailure(EventSource source, Throwable t, Response response) {
                if (response != null && response.code() / 100 == 4) {
                    LOG.debug("upstream '{}' offers no GET stream (HTTP {})", server(), response.code());
                    return;
                }
                retry();
            }

            private void retry() {
                if (closed || !sessionId.equals(streamSession)) {
                    return;
                }
                Duration next = retryDelay.multipliedBy(2).compareTo(STREAM_RETRY_MAX) > 0
                        ? STREAM_RETRY_MAX : retryDelay.multipliedBy(2);
                Timers.SCHEDULER.schedule(() -> {
                    if (sessionId.equals(streamSession)) {
                        openStream(next);
                    }
                }, retryDelay.toMillis(), TimeUnit.MILLISECONDS);
            }
        });
    }

    private void closeStream() {
        EventSource current = stream;
        if (current != null) {
            current.cancel();
        }
    }

    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        closeStream();
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
                LOG.debug("upstream '{}' session DELETE failed: {}", server(), describe(e));
            }
        }
        stateListeners.fire(UpstreamState.CLOSED, "closed");
    }

    private static Optional<JsonNode> parseQuietly(String text) {
        try {
            JsonNode node = Json.parse(text);
            return node == null || node.isMissingNode() ? Optional.empty() : Optional.of(node);
        } catch (RuntimeException e) {
            return Optional.empty();
        }
    }

    static String describe(Throwable e) {
        return e.getMessage() == null ? e.getClass().getSimpleName() : e.getClass().getSimpleName() + ": " + e.getMessage();
    }

    private static String abbreviate(String text) {
        String oneLine = text.strip().replaceAll("\\s+", " ");
        return oneLine.length() <= 200 ? oneLine : oneLine.substring(0, 200) + "...";
    }

    @Override
    public String toString() {
        return "HttpUpstreamConnection[" + server() + ", " + url.redact() + "]";
    }
}
