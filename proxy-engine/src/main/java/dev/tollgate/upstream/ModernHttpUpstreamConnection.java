package dev.tollgate.upstream;

import dev.tollgate.config.ServerConfig;
import dev.tollgate.gateway.ModernProtocol;
import dev.tollgate.json.Json;
import dev.tollgate.pipeline.CancellationSignal;
import java.io.IOException;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;
import okhttp3.Call;
import okhttp3.Callback;
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
 * Tollgate as a client of an upstream that speaks the stateless revision 2026-07-28 over HTTP: no handshake
 * and no session. Each request is one POST whose {@code _meta} carries the protocol version, Tollgate's client
 * info and the client capabilities (the agent's, when the request already names them), with the
 * {@code MCP-Protocol-Version}, {@code Mcp-Method} and {@code Mcp-Name} headers rebuilt from the body Tollgate
 * sends (the upstream's own, unprefixed names), never copied from the agent. What {@code server/discover}
 * answered stands in for the initialize result, and a {@code subscriptions/listen} stream brings the list
 * changes the upstream announces.
 */
public final class ModernHttpUpstreamConnection implements UpstreamConnection {
    private static final Logger LOG = LoggerFactory.getLogger(ModernHttpUpstreamConnection.class);
    private static final MediaType JSON = MediaType.get("application/json");

    private final ServerConfig config;
    private final HttpUrl url;
    private final OkHttpClient client;
    private final OkHttpClient freshClient;
    private final JsonRpcSession rpc;
    private final InputRequiredRounds legacyAgents;
    private volatile JsonNode initializeResult = Json.object();
    private volatile boolean closed;
    private volatile Optional<ModernListenStream> listenStream = Optional.empty();

    private ModernHttpUpstreamConnection(ServerConfig config, OkHttpClient client) {
        this.config = config;
        this.url = HttpUrl.parse(config.url()
                .orElseThrow(() -> new IllegalArgumentException("server '" + config.name() + "' has no url")));
        if (url == null) {
            throw new IllegalArgumentException("server '" + config.name() + "' has an invalid url");
        }
        this.client = client;
        this.freshClient = UpstreamHttpClients.freshConnections(client);
        this.rpc = new JsonRpcSession(config.name(), false, message -> {});
        this.legacyAgents = new InputRequiredRounds(config.name());
    }

    /**
     * Asks the upstream {@code server/discover}. Present when it offers 2026-07-28; empty when it answered as
     * a 2025-era server would (an error, a refusal, no such method), so the caller falls back to initialize.
     * Fails only when the upstream cannot be reached or does not answer in time.
     */
    public static Optional<ModernHttpUpstreamConnection> discover(ServerConfig config, OkHttpClient client)
            throws UpstreamException {
        ModernHttpUpstreamConnection connection = new ModernHttpUpstreamConnection(config, client);
        UpstreamResponse answer;
        try {
            answer = connection.request("server/discover", Json.object(), RequestOptions.of(config.timeout()));
        } catch (UpstreamException e) {
            if (e.getCause() instanceof IOException || e.timedOut()) {
                throw e;
            }
            return Optional.empty();
        }
        JsonNode result = answer.result().orElse(Json.object());
        boolean offered = false;
        for (JsonNode version : result.path("supportedVersions")) {
            offered |= ModernProtocol.VERSION.equals(version.asString(""));
        }
        if (!offered) {
            return Optional.empty();
        }
        ObjectNode init = Json.object();
        init.put("protocolVersion", ModernProtocol.VERSION);
        init.set("capabilities", result.path("capabilities").isObject() ? result.get("capabilities") : Json.object());
        JsonNode info = result.path("_meta").path(ModernProtocol.SERVER_INFO_KEY);
        init.set(
                "serverInfo",
                info.isObject()
                        ? info
                        : result.path("serverInfo").isObject() ? result.get("serverInfo") : Json.object());
        if (result.path("instructions").isString()) {
            init.set("instructions", result.get("instructions"));
        }
        connection.initializeResult = init;
        if (ModernListenStream.worthListening(init.path("capabilities"))) {
            ModernListenStream stream = new ModernListenStream(
                    config.name(),
                    client,
                    message -> connection.post(message, Map.of()),
                    init.path("capabilities"),
                    message -> connection.rpc.dispatch(message, Optional.empty()));
            connection.listenStream = Optional.of(stream);
            stream.open(Duration.ofSeconds(1));
        }
        return Optional.of(connection);
    }

    @Override
    public String server() {
        return config.name();
    }

    @Override
    public JsonNode initializeResult() {
        return initializeResult;
    }

    /** The params as sent: the caller's, with the per-request envelope filled in where the caller left it out. */
    static ObjectNode withEnvelope(JsonNode params) {
        ObjectNode copy = params != null && params.isObject() ? ((ObjectNode) params).deepCopy() : Json.object();
        ObjectNode meta = copy.get("_meta") instanceof ObjectNode m ? m : copy.putObject("_meta");
        meta.put(ModernProtocol.PROTOCOL_VERSION_KEY, ModernProtocol.VERSION);
        if (!meta.path(ModernProtocol.CLIENT_CAPABILITIES_KEY).isObject()) {
            meta.putObject(ModernProtocol.CLIENT_CAPABILITIES_KEY);
        }
        ObjectNode info = meta.putObject(ModernProtocol.CLIENT_INFO_KEY);
        info.put("name", "tollgate");
        info.put("version", "0.1.0");
        return copy;
    }

    @Override
    public UpstreamResponse request(String method, JsonNode params, RequestOptions options) throws UpstreamException {
        if (closed) {
            throw new UpstreamException("connection to upstream '" + server() + "' is closed", false, null);
        }
        ObjectNode sent = withEnvelope(params);
        if (InputRequiredRounds.applies(method, params, options)) {
            InputRequiredRounds.declare(sent, options);
            return legacyAgents.run(sent, once(method, sent, options), options, next -> once(method, next, options));
        }
        UpstreamResponse response = once(method, sent, options);
        return options.related() instanceof AgentSide agent && agent.holdsRounds()
                ? InputRequiredRounds.passThrough(sent, response, agent, options, next -> once(method, next, options))
                : response;
    }

    /** One request and its answer. */
    private UpstreamResponse once(String method, ObjectNode sent, RequestOptions options) throws UpstreamException {
        JsonRpcSession.Pending p = rpc.begin(method, sent, options.related());
        try {
            return JsonRpcSession.toResponse(exchange(p, sent, options, true));
        } finally {
            rpc.end(p);
        }
    }

    /** One POST; one that broke on a stale pooled connection ({@link StaleConnectionProbe}) goes again on a fresh one. */
    private JsonNode exchange(
            JsonRpcSession.Pending p, ObjectNode params, RequestOptions options, boolean mayRetryStale)
            throws UpstreamException {
        Duration timeout = options.timeout();
        Request.Builder builder = post(JsonRpcSession.requestMessage(p.id(), p.method(), params), options.headers());
        ModernProtocol.nameValue(p.method(), params)
                .ifPresent(name -> builder.header(ModernProtocol.NAME_HEADER, ModernProtocol.encodeHeaderValue(name)));
        Call call = (mayRetryStale ? client : freshClient)
                .newCall(
                        builder.header(ModernProtocol.METHOD_HEADER, p.method()).build());
        StaleConnectionProbe probe = new StaleConnectionProbe();
        call.addEventListener(probe);
        AtomicBoolean timedOut = new AtomicBoolean();
        ScheduledFuture<?> deadline = Timers.SCHEDULER.schedule(
                () -> {
                    timedOut.set(true);
                    call.cancel();
                },
                timeout.toMillis(),
                TimeUnit.MILLISECONDS);
        CancellationSignal.Registration watch = options.cancellation().onCancel(reason -> {
            notify(
                    "notifications/cancelled",
                    JsonRpcSession.agentCancelledMessage(p.id(), reason).get("params"));
            call.cancel();
        });
        try (Response response = call.execute()) {
            return ModernAnswer.read(server(), response, rpc, p, call, timedOut);
        } catch (IOException e) {
            if (timedOut.get()) {
                notify(
                        "notifications/cancelled",
                        JsonRpcSession.cancelledMessage(
                                        p.id(), "Tollgate stopped waiting after " + timeout.toMillis() + " ms")
                                .get("params"));
                throw new UpstreamException(
                        "upstream '" + server() + "' did not answer " + p.method() + " within " + timeout.toMillis()
                                + " ms",
                        true,
                        null);
            }
            if (options.cancellation().isCancelled()) {
                throw rpc.cancelledByAgent(p, options.cancellation().reason().orElseThrow());
            }
            if (!(mayRetryStale && probe.failedOnIdleConnection())) {
                throw new UpstreamException(
                        "upstream '" + server() + "' is unreachable at " + url.redact() + ": "
                                + UpstreamHttpClients.describe(e),
                        false,
                        e);
            }
        } finally {
            deadline.cancel(false);
            watch.close();
        }
        return exchange(p, params, options, false);
    }

    private Request.Builder post(JsonNode message, Map<String, String> callHeaders) {
        Request.Builder request = new Request.Builder()
                .url(url)
                .post(RequestBody.create(Json.write(message), JSON))
                .header("Accept", "application/json, text/event-stream");
        UpstreamCredentials.attach(request, config, callHeaders);
        return request.header(ModernProtocol.VERSION_HEADER, ModernProtocol.VERSION);
    }

    @Override
    public void notify(String method, JsonNode params) {
        if (closed) {
            return;
        }
        JsonNode message = JsonRpcSession.notificationMessage(method, withEnvelope(params));
        client.newCall(post(message, Map.of())
                        .header(ModernProtocol.METHOD_HEADER, method)
                        .build())
                .enqueue(new Callback() {
                    @Override
                    public void onFailure(Call call, IOException e) {
                        LOG.debug(
                                "could not send {} to upstream '{}': {}",
                                method,
                                server(),
                                UpstreamHttpClients.describe(e));
                    }

                    @Override
                    public void onResponse(Call call, Response response) {
                        response.close();
                    }
                });
    }

    /**
     * The revision has no server-to-client requests: the only answers are a 2025-era agent's to the questions an
     * {@code input_required} result asked, which Tollgate relayed to it as requests.
     */
    @Override
    public void respond(JsonNode response) {
        if (!legacyAgents.answered(response)) {
            LOG.debug("upstream '{}' speaks {}: no request waits for this answer", server(), ModernProtocol.VERSION);
        }
    }

    /** Whether a response answers a question this connection relayed to a 2025-era agent. */
    static boolean answersRelayedQuestion(JsonNode response) {
        return response.path("id").asString("").startsWith(InputRequiredRounds.ID_PREFIX);
    }

    @Override
    public void onUnsolicited(Consumer<JsonNode> listener) {
        rpc.onUnsolicited(listener);
    }

    @Override
    public boolean isAlive() {
        return !closed;
    }

    @Override
    public void close() {
        closed = true;
        listenStream.ifPresent(ModernListenStream::close);
        rpc.failAll("connection to upstream '" + server() + "' closed");
    }

    @Override
    public String toString() {
        return "ModernHttpUpstreamConnection[" + server() + ", " + url.redact() + "]";
    }
}
