package dev.tollgate.upstream;

import dev.tollgate.config.ServerConfig;
import dev.tollgate.config.TollgateConfig;
import dev.tollgate.engine.UpstreamStatus;
import dev.tollgate.events.EngineEvent;
import dev.tollgate.events.EventBus;
import dev.tollgate.json.Json;
import dev.tollgate.pipeline.ToolRef;
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

    private final Map<String, UpstreamEntry> entries = new TreeMap<>();
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

    public UpstreamRegistry(Collection<ServerConfig> servers, EventBus events) {
        this(servers, events, null);
    }

    /** With a custom connector (tests, or connections that need more than the config entry). */
    public UpstreamRegistry(Collection<ServerConfig> servers, EventBus events, Connector connector) {
        this.events = events;
        this.httpClient = UpstreamHttpClients.defaultClient();
        this.connector = connector != null ? connector : this::connectDefault;
        for (ServerConfig s : servers) {
            entries.put(s.name(), new UpstreamEntry(s, events));
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
        entries.put(connection.server(), new UpstreamEntry(config, events));
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
        for (UpstreamEntry e : entries.values()) {
            all.add(CompletableFuture.runAsync(() -> connect(e), workers));
        }
        CompletableFuture.allOf(all.toArray(new CompletableFuture<?>[0])).join();
    }

    private void connect(UpstreamEntry e) {
        if (closed) {
            return;
        }
        e.setState(UpstreamState.CONNECTING, "connecting to " + e.describe());
        UpstreamConnection connection;
        try {
            UpstreamConnection own = builtIn.get(e.config.name());
            connection = own != null ? own : connector.connect(e.config);
        } catch (UpstreamException | RuntimeException ex) {
            Duration wait = e.backoff.next();
            Instant at = Instant.now().plus(wait);
            e.setState(
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
        e.setState(
                UpstreamState.CONNECTED,
                UpstreamEntry.serverInfo(connection) + " at " + e.describe() + ", "
                        + e.catalog.tools().size() + " tools",
                Optional.empty());
    }

    private void reconnect(UpstreamEntry e) {
        if (closed || e.connection.isPresent()) {
            return;
        }
        connect(e);
        if (e.connection.isPresent()) {
            announce(e.config.name(), EnumSet.allOf(ListChange.Kind.class));
        }
    }

    private void onConnectionState(UpstreamEntry e, UpstreamConnection c, UpstreamState state, String detail) {
        if (closed || state == UpstreamState.CLOSED) {
            return;
        }
        if (state == UpstreamState.CONNECTED) {
            e.circuit.succeeded();
        }
        e.setState(state, detail, state == UpstreamState.CONNECTED ? Optional.empty() : c.retryAt());
        if (state == UpstreamState.CONNECTED) {
            workers.execute(() -> {
                e.connection.ifPresent(live -> e.catalog = CatalogFetcher.fetch(e.config, e.hints, live));
                announce(e.config.name(), EnumSet.allOf(ListChange.Kind.class));
            });
        }
    }

    private void onMessage(UpstreamEntry e, JsonNode message) {
        String method = message.path("method").asString("");
        Optional<UpstreamConnection> connection = e.connection;
        if (connection.isPresent()) {
            Optional<ListChange.Kind> refreshed = e.refresh(method, connection.get());
            if (refreshed.isPresent()) {
                announce(e.config.name(), EnumSet.of(refreshed.get()));
                return;
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

    /** Every tool of every connected server, by server name, then in the order each server lists them. */
    public List<UpstreamTool> tools() {
        List<UpstreamTool> all = new ArrayList<>();
        for (UpstreamEntry e : entries.values()) {
            all.addAll(e.catalog.tools());
        }
        return all;
    }

    public List<UpstreamTool> tools(String server) {
        UpstreamEntry e = entries.get(server);
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

    /**
     * How many more milliseconds the server's list (by its method, e.g. {@code tools/list}) stays fresh by the
     * cache hint it gave with it; {@link Long#MAX_VALUE} for a list it does not offer or Tollgate's own servers
     * (their lists change only with the policy), empty when it gave none.
     */
    public OptionalLong listFreshnessMillis(String server, String method) {
        if (builtIn.containsKey(server)) {
            return OptionalLong.of(Long.MAX_VALUE);
        }
        UpstreamEntry e = entries.get(server);
        return e == null ? OptionalLong.empty() : e.hints.remainingMillis(method);
    }

    /** One server's lists (empty while it is not connected). */
    public UpstreamCatalog catalog(String server) {
        UpstreamEntry e = entries.get(server);
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
        UpstreamEntry e = entries.get(server);
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
                e.setState(UpstreamState.DOWN, "circuit open: " + why + "; next probe at " + opened.get(), opened);
            } else if (e.state != UpstreamState.CONNECTED) {
                e.setState(UpstreamState.CONNECTED, "circuit closed: a call succeeded", Optional.empty());
            }
        });
    }

    /** Each server as the UI shows it. */
    public List<UpstreamStatus> statuses() {
        List<UpstreamStatus> all = new ArrayList<>();
        for (UpstreamEntry e : entries.values()) {
            all.add(e.status());
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
        for (UpstreamEntry e : entries.values()) {
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
