package dev.tollgate.gateway;

import dev.tollgate.json.Json;
import dev.tollgate.upstream.RequestOptions;
import dev.tollgate.upstream.UpstreamConnection;
import dev.tollgate.upstream.UpstreamException;
import dev.tollgate.upstream.UpstreamResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.BiConsumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * What each connected upstream offers (tools, resources, templates, prompts), read once and kept until the
 * upstream says its list changed or the connection is replaced.
 */
final class UpstreamCatalog {
    private static final Logger LOG = LoggerFactory.getLogger(UpstreamCatalog.class);
    private static final int MAX_PAGES = 100;

    private final class ServerEntry {
        final UpstreamConnection connection;
        final Map<ListKind, List<JsonNode>> lists = new EnumMap<>(ListKind.class);

        ServerEntry(UpstreamConnection connection) {
            this.connection = connection;
        }
    }

    private final UpstreamDirectory directory;
    private final Duration timeout;
    private final BiConsumer<String, JsonNode> unsolicited;
    private final Map<String, ServerEntry> entries = new ConcurrentHashMap<>();

    UpstreamCatalog(UpstreamDirectory directory, Duration timeout, BiConsumer<String, JsonNode> unsolicited) {
        this.directory = directory;
        this.timeout = timeout;
        this.unsolicited = unsolicited;
    }

    List<String> servers() {
        return directory.servers();
    }

    Optional<UpstreamConnection> connection(String server) {
        return directory.connection(server).filter(UpstreamConnection::isAlive);
    }

    /** The server's items of this kind; empty when the server is down, lacks the feature, or fails to answer. */
    List<JsonNode> items(String server, ListKind kind) {
        Optional<UpstreamConnection> live = connection(server);
        if (live.isEmpty()) {
            return List.of();
        }
        ServerEntry entry = entryFor(server, live.get());
        synchronized (entry) {
            List<JsonNode> cached = entry.lists.get(kind);
            if (cached != null) {
                return cached;
            }
            Optional<List<JsonNode>> fetched = fetch(entry.connection, kind);
            fetched.ifPresent(list -> entry.lists.put(kind, list));
            return fetched.orElse(List.of());
        }
    }

    /** Whether the server's list of this kind is known (it is up and answered). */
    boolean isKnown(String server, ListKind kind) {
        Optional<UpstreamConnection> live = connection(server);
        if (live.isEmpty()) {
            return false;
        }
        items(server, kind);
        ServerEntry entry = entries.get(server);
        if (entry == null) {
            return false;
        }
        synchronized (entry) {
            return entry.lists.containsKey(kind);
        }
    }

    void invalidate(String server, ListKind kind) {
        ServerEntry entry = entries.get(server);
        if (entry != null) {
            synchronized (entry) {
                entry.lists.remove(kind);
            }
        }
    }

    private ServerEntry entryFor(String server, UpstreamConnection connection) {
        return entries.compute(server, (name, existing) -> {
            if (existing != null && existing.connection == connection) {
                return existing;
            }
            connection.onUnsolicited(message -> unsolicited.accept(name, message));
            return new ServerEntry(connection);
        });
    }

    private Optional<List<JsonNode>> fetch(UpstreamConnection connection, ListKind kind) {
        if (!connection.initializeResult().path("capabilities").has(kind.capability)) {
            return Optional.of(List.of());
        }
        List<JsonNode> items = new ArrayList<>();
        String cursor = null;
        for (int page = 0; page < MAX_PAGES; page++) {
            ObjectNode params = Json.object();
            if (cursor != null) {
                params.put("cursor", cursor);
            }
            UpstreamResponse response;
            try {
                response = connection.request(kind.method, params, RequestOptions.of(timeout));
            } catch (UpstreamException e) {
                LOG.warn("{} of upstream {} failed: {}", kind.method, connection.server(), e.getMessage());
                return Optional.empty();
            }
            if (response.error().isPresent()) {
                LOG.warn("{} of upstream {} answered an error: {}", kind.method, connection.server(),
                        Json.write(response.error().get()));
                return Optional.empty();
            }
            JsonNode result = response.result().orElse(Json.object());
            result.path(kind.itemsKey).forEach(items::add);
            JsonNode next = result.get("nextCursor");
            if (next == null || !next.isString() || next.asString().isEmpty()) {
                return Optional.of(List.copyOf(items));
            }
            cursor = next.asString();
        }
        LOG.warn("{} of upstream {} did not end after {} pages; using what arrived", kind.method,
                connection.server(), MAX_PAGES);
        return Optional.of(List.copyOf(items));
    }
}
