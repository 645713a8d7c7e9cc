package dev.tollgate.upstream;

import dev.tollgate.config.ServerConfig;
import dev.tollgate.config.TollgateConfig;
import dev.tollgate.engine.UpstreamStatus;
import dev.tollgate.events.EngineEvent;
import dev.tollgate.events.EventBus;
import dev.tollgate.json.Json;
import dev.tollgate.pipeline.ToolRef;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.function.BiConsumer;
import java.util.function.Consumer;
import okhttp3.HttpUrl;
import okhttp3.OkHttpClient;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import tools.jackson.databind.JsonNode;

/**
 * Every configured upstream server, connected in parallel, with what each lists (tools, resources, resource
 * templates, prompts; every page). A server that fails its handshake, or loses its connection later, is reported
 * (one log line per change of state, an {@link EngineEvent.UpstreamStateChanged}, its {@link UpstreamStatus}) and
 * retried with backoff while the others serve; calls to it fail at once with a {@link UpstreamException} saying
 * why and when to retry. Each server's {@link CircuitBreaker} makes calls fail fast after repeated failures of a
 * connection that still looks alive (hangs, errors). When a server announces
 * {@code notifications/*}{@code /list_changed}, or comes back after a restart, its lists are fetched again and
 * the {@link ListChange} listeners hear about it.
 */
public final class UpstreamRegistry implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(UpstreamRegistry.class);

    /** Opens an initialized connection to one configured server. */
    @FunctionalInterface
    public interface Connector {
        UpstreamConnection connect(ServerConfig config) throws UpstreamException;
    }

    private final Map<String, Entry> entries = new TreeMap<>();
    private final EventBus events;
    private final Connector connector;
    private final OkHttpClient httpClient;
    private final ExecutorService workers = Executors.newCachedThreadPool(r -> {
        Thread t = new Thread(r, "tollgate-upstream-worker");
        t.setDaemon(true);
        return t;
    });
    private final Map<String, UpstreamConnection> builtIn = new ConcurrentHashMap<>();
    private final List<Consumer<ListChange>> listListeners = new CopyOnWriteArrayList<>();
    private final List<BiConsumer<String, JsonNode>> messageListeners = new CopyOnWriteArrayList<>();
    private volatile boolean closed;

    /** One server's connection, state and lists. */
    private static final class Entry {
        final ServerConfig config;
        volatile Optional<UpstreamConnection> connection = Optional.empty();
        volatile UpstreamState state = UpstreamState.CONNECTING;
        volatile String detail = "connecting";
        volatile UpstreamCatalog catalog = UpstreamCatalog.EMPTY;
        final ListHints hints = new ListHints();
        volatile Optional<String> lastError = Optional.empty();
        volatile Optional<Instant> retryAt = Optional.empty();
        final Backoff backoff;
        final CircuitBreaker circuit;

        Entry(ServerConfig config) {
            this.config = config;
            ResilienceSettings settings = ResilienceSettings.of(config);
            this.backoff = settings.backoff();
            this.circuit =
                    new CircuitBreaker(settings.circuitFailures(), settings.circuitCoolDown(), Clock.systemUTC());
        }
    }

    public UpstreamRegistry(Collection<ServerConfig> servers, EventBus events) {
        this(servers, events, null);
    }

    /** With a custom connector (tests, or connections that need more than the config entry). */
    public UpstreamRegistry(Collection<ServerConfig> servers, EventBus events, Connector connector) {
        this.events = events;
        this.httpClient = HttpUpstreamConnection.defaultClient();
        this.connector = connector != null ? connector : this::connectDefault;
        for (ServerConfig s : servers) {
            entries.put(s.name(), new Entry(s));
        }
    }

    /**
     * Adds a server Tollgate answers itself, in process (the audit server): listed, routed and governed like a
     * configured one. Call before {@link #start()}.
     */
    public void addBuiltIn(UpstreamConnection connection) {
        ServerConfig config = new ServerConfig(
                connection.server(),
                Optional.empty(),
                List.of("built-in"),
                Map.of(),
                Map.of(),
                Duration.ofSeconds(30),
                Json.object());
        builtIn.put(connection.server(), connection);
        entries.put(connection.server(), new Entry(config));
    }

    public static UpstreamRegistry fromConfig(TollgateConfig config, EventBus events) {
        return new UpstreamRegistry(config.servers().values(), events);
    }

    private UpstreamConnection connectDefault(ServerConfig config) throws UpstreamException {
        return config.isStdio() ? ProtocolEras.connectStdio(config) : ProtocolEras.connect(config, httpClient);
    }

    /** Connects every server in parallel and returns when each has connected (lists fetched) or failed. */
    public void start() {
        List<CompletableFuture<Void>> all = new ArrayList<>();
        for (Entry e : entries.values()) {
            all.add(CompletableFuture.runAsync(() -> connect(e), workers));
        }
        CompletableFuture.allOf(all.toArray(new CompletableFuture<?>[0])).join();
    }

    private void connect(Entry e) {
        if (closed) {
            return;
        }
        setState(e, UpstreamState.CONNECTING, "connecting to " + describe(e.config));
        UpstreamConnection connection;
        try {
            UpstreamConnection own = builtIn.get(e.config.name());
            connection = own != null ? own : connector.connect(e.config);
        } catch (UpstreamException | RuntimeException ex) {
            Duration wait = e.backoff.next();
            Instant at = Instant.now().plus(wait);
            setState(
                    e,
                    UpstreamState.DOWN,
                    "handshake failed: " + ex.getMessage() + "; next attempt at " + at + " (in " + wait.toMillis()
                            + " ms)",
                    Optional.of(at));
            Timers.SCHEDULER.schedule(
                    () -> {
                        if (!closed) {
                            workers.execute(() -> reconnect(e));
                        }
                    },
                    wait.toMillis(),
                    TimeUnit.MILLISECONDS);
            return;
        }
        if (closed) {
            connection.close();
            return;
        }
        e.backoff.reset();
        connection.onUnsolicited(message -> {
            if (!closed) {
                workers.execute(() -> onMessage(e, message));
            }
        });
        connection.onStateChange((server, state, detail) -> onConnectionState(e, connection, state, detail));
        e.catalog = CatalogFetcher.fetch(e.config, e.hints, connection);
        e.connection = Optional.of(connection);
        setState(
                e,
                UpstreamState.CONNECTED,
                serverInfo(connection) + " at " + describe(e.config) + ", "
                        + e.catalog.tools().size() + " tools",
                Optional.empty());
    }

    private void reconnect(Entry e) {
        if (closed || e.connection.isPresent()) {
            return;
        }
        connect(e);
        if (e.connection.isPresent()) {
            announce(e.config.name(), EnumSet.allOf(ListChange.Kind.class));
        }
    }

    private void onConnectionState(Entry e, UpstreamConnection c, UpstreamState state, String detail) {
        if (closed || state == UpstreamState.CLOSED) {
            return;
        }
        if (state == UpstreamState.CONNECTED) {
            e.circuit.succeeded();
        }
        setState(e, state, detail, state == UpstreamState.CONNECTED ? Optional.empty() : c.retryAt());
        if (state == UpstreamState.CONNECTED) {
            workers.execute(() -> {
                e.connection.ifPresent(live -> e.catalog = CatalogFetcher.fetch(e.config, e.hints, live));
                announce(e.config.name(), EnumSet.allOf(ListChange.Kind.class));
            });
        }
    }

    private void onMessage(Entry e, JsonNode message) {
        String method = message.path("method").asString("");
        Optional<UpstreamConnection> connection = e.connection;
        if (connection.isPresent()) {
            switch (method) {
                case "notifications/tools/list_changed":
                    refreshTools(e, connection.get());
                    return;
                case "notifications/resources/list_changed":
                    refreshResources(e, connection.get());
                    return;
                case "notifications/prompts/list_changed":
                    refreshPrompts(e, connection.get());
                    return;
                default:
                    break;
            }
        }
        for (BiConsumer<String, JsonNode> l : messageListeners) {
            try {
                l.accept(e.config.name(), message);
            } catch (RuntimeException ex) {
                LOG.warn("listener for messages from upstream '{}' failed", e.config.name(), ex);
            }
        }
    }

    private void refreshTools(Entry e, UpstreamConnection c) {
        UpstreamCatalog old = e.catalog;
        e.catalog = new UpstreamCatalog(
                CatalogFetcher.tools(e.config, e.hints, c), old.resources(), old.resourceTemplates(), old.prompts());
        announce(e.config.name(), EnumSet.of(ListChange.Kind.TOOLS));
    }

    private void refreshResources(Entry e, UpstreamConnection c) {
        UpstreamCatalog old = e.catalog;
        e.catalog = new UpstreamCatalog(
                old.tools(),
                CatalogFetcher.resources(e.config, e.hints, c),
                CatalogFetcher.templates(e.config, e.hints, c),
                old.prompts());
        announce(e.config.name(), EnumSet.of(ListChange.Kind.RESOURCES));
    }

    private void refreshPrompts(Entry e, UpstreamConnection c) {
        UpstreamCatalog old = e.catalog;
        e.catalog = new UpstreamCatalog(
                old.tools(), old.resources(), old.resourceTemplates(), CatalogFetcher.prompts(e.config, e.hints, c));
        announce(e.config.name(), EnumSet.of(ListChange.Kind.PROMPTS));
    }

    private void announce(String server, Set<ListChange.Kind> kinds) {
        for (ListChange.Kind kind : kinds) {
            ListChange change = new ListChange(server, kind);
            for (Consumer<ListChange> l : listListeners) {
                try {
                    l.accept(change);
                } catch (RuntimeException ex) {
                    LOG.warn("list change listener failed for {}", change, ex);
                }
            }
        }
    }

    private void setState(Entry e, UpstreamState state, String detail) {
        setState(e, state, detail, Optional.empty());
    }

    /** Records, logs (one line per change) and publishes where a server stands. */
    private void setState(Entry e, UpstreamState state, String detail, Optional<Instant> retryAt) {
        e.state = state;
        e.detail = detail;
        e.retryAt = retryAt;
        switch (state) {
            case RECONNECTING, DOWN -> {
                e.lastError = Optional.of(detail);
                LOG.warn("upstream '{}' {}: {}", e.config.name(), state.wire(), detail);
            }
            case CONNECTED -> LOG.info("upstream '{}' connected: {}", e.config.name(), detail);
            default -> LOG.debug("upstream '{}' {}: {}", e.config.name(), state.wire(), detail);
        }
        events.publish(new EngineEvent.UpstreamStateChanged(Instant.now(), e.config.name(), state.wire(), detail));
    }

    private static String describe(ServerConfig config) {
        if (config.isStdio()) {
            return "stdio: " + config.command().get(0);
        }
        // Query strings and user info sometimes carry keys; the log and the UI get scheme, host, port and path only.
        HttpUrl url = HttpUrl.parse(config.url().orElse(""));
        return url == null
                ? "an invalid url"
                : url.scheme() + "://" + url.host() + ":" + url.port() + url.encodedPath();
    }

    private static String serverInfo(UpstreamConnection c) {
        JsonNode info = c.initializeResult().path("serverInfo");
        return info.path("name").asString("unnamed server") + " "
                + info.path("version").asString("") + ", protocol "
                + c.initializeResult().path("protocolVersion").asString();
    }

    /** Every tool of every connected server, by server name, then in the order each server lists them. */
    public List<UpstreamTool> tools() {
        List<UpstreamTool> all = new ArrayList<>();
        for (Entry e : entries.values()) {
            all.addAll(e.catalog.tools());
        }
        return all;
    }

    public List<UpstreamTool> tools(String server) {
        Entry e = entries.get(server);
        return e == null ? List.of() : e.catalog.tools();
    }

    public Optional<UpstreamTool> tool(ToolRef ref) {
        return tools(ref.server()).stream()
                .filter(t -> t.name().equals(ref.tool()))
                .findFirst();
    }

    public List<UpstreamResource> resources() {
        List<UpstreamResource> all = new ArrayList<>();
        entries.values().forEach(e -> all.addAll(e.catalog.resources()));
        return all;
    }

    public List<UpstreamResourceTemplate> resourceTemplates() {
        List<UpstreamResourceTemplate> all = new ArrayList<>();
        entries.values().forEach(e -> all.addAll(e.catalog.resourceTemplates()));
        return all;
    }

    public List<UpstreamPrompt> prompts() {
        List<UpstreamPrompt> all = new ArrayList<>();
        entries.values().forEach(e -> all.addAll(e.catalog.prompts()));
        return all;
    }

    /** One server's lists (empty while it is not connected). */
    /**
     * How many more milliseconds the server's list (by its method, e.g. {@code tools/list}) stays fresh by the
     * cache hint it gave with it; {@link Long#MAX_VALUE} for a list it does not offer or Tollgate's own servers
     * (their lists change only with the policy), empty when it gave none.
     */
    public OptionalLong listFreshnessMillis(String server, String method) {
        if (builtIn.containsKey(server)) {
            return OptionalLong.of(Long.MAX_VALUE);
        }
        Entry e = entries.get(server);
        return e == null ? OptionalLong.empty() : e.hints.remainingMillis(method);
    }

    public UpstreamCatalog catalog(String server) {
        Entry e = entries.get(server);
        return e == null ? UpstreamCatalog.EMPTY : e.catalog;
    }

    /** Every configured server name, sorted. */
    public List<String> serverNames() {
        return List.copyOf(entries.keySet());
    }

    public Optional<ServerConfig> serverConfig(String server) {
        return Optional.ofNullable(entries.get(server)).map(e -> e.config);
    }

    /** The live connection to a server, or an exception that says why there is none (unknown, failed, restarting). */
    public UpstreamConnection connection(String server) throws UpstreamException {
        Entry e = entries.get(server);
        if (e == null) {
            throw new UpstreamException("no upstream server named '" + server + "' is configured", false, null);
        }
        Optional<UpstreamConnection> c = e.connection;
        if (c.isEmpty() || !c.get().isAlive()) {
            Optional<Instant> retryAt = c.flatMap(UpstreamConnection::retryAt).or(() -> e.retryAt);
            throw new UpstreamException(
                    "upstream '" + server + "' is " + e.state.wire() + " (" + e.detail + ")"
                            + retryAt.map(at -> "; " + RetryHint.at(at)).orElse(""),
                    false,
                    null);
        }
        return new GuardedConnection(c.get(), e.circuit, (opened, why) -> {
            if (opened.isPresent()) {
                setState(e, UpstreamState.DOWN, "circuit open: " + why + "; next probe at " + opened.get(), opened);
            } else if (e.state != UpstreamState.CONNECTED) {
                setState(e, UpstreamState.CONNECTED, "circuit closed: a call succeeded", Optional.empty());
            }
        });
    }

    /** Each server as the UI shows it. */
    public List<UpstreamStatus> statuses() {
        List<UpstreamStatus> all = new ArrayList<>();
        for (Entry e : entries.values()) {
            all.add(new UpstreamStatus(
                    e.config.name(),
                    e.config.isStdio() ? "stdio" : "http",
                    e.state.wire(),
                    e.detail,
                    e.catalog.tools().size(),
                    e.lastError,
                    e.retryAt));
        }
        return all;
    }

    /** Hears that a server's tools, resources or prompts changed (refetched already when called). */
    public void onListChanged(Consumer<ListChange> listener) {
        listListeners.add(listener);
    }

    /** Hears other messages upstreams send on their own (logging, resource updates, unrelated requests). */
    public void onUpstreamMessage(BiConsumer<String, JsonNode> listener) {
        messageListeners.add(listener);
    }

    @Override
    public void close() {
        closed = true;
        for (Entry e : entries.values()) {
            e.connection.ifPresent(UpstreamConnection::close);
            e.connection = Optional.empty();
            e.state = UpstreamState.CLOSED;
            e.detail = "closed";
        }
        workers.shutdownNow();
        httpClient.dispatcher().executorService().shutdown();
        httpClient.connectionPool().evictAll();
    }
}
