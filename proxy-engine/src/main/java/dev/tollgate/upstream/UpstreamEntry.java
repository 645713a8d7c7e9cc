package dev.tollgate.upstream;

import dev.tollgate.config.ServerConfig;
import dev.tollgate.engine.UpstreamStatus;
import dev.tollgate.events.EngineEvent;
import dev.tollgate.events.EventBus;
import java.time.Clock;
import java.time.Instant;
import java.util.Optional;
import okhttp3.HttpUrl;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import tools.jackson.databind.JsonNode;

/** One configured upstream as the registry keeps it: its connection, where it stands, and its lists. */
final class UpstreamEntry {
    // Logged under the registry's name: operators and log settings know these lines as the registry's.
    private static final Logger LOG = LoggerFactory.getLogger(UpstreamRegistry.class);

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
    private final EventBus events;

    UpstreamEntry(ServerConfig config, EventBus events) {
        this.config = config;
        this.events = events;
        ResilienceSettings settings = ResilienceSettings.of(config);
        this.backoff = settings.backoff();
        this.circuit = new CircuitBreaker(settings.circuitFailures(), settings.circuitCoolDown(), Clock.systemUTC());
    }

    String name() {
        return config.name();
    }

    void setState(UpstreamState state, String detail) {
        setState(state, detail, Optional.empty());
    }

    /** Records, logs (one line per change) and publishes where the server stands. */
    void setState(UpstreamState state, String detail, Optional<Instant> retryAt) {
        this.state = state;
        this.detail = detail;
        this.retryAt = retryAt;
        switch (state) {
            case RECONNECTING, DOWN -> {
                lastError = Optional.of(detail);
                LOG.warn("upstream '{}' {}: {}", name(), state.wire(), detail);
            }
            case CONNECTED -> LOG.info("upstream '{}' connected: {}", name(), detail);
            default -> LOG.debug("upstream '{}' {}: {}", name(), state.wire(), detail);
        }
        events.publish(new EngineEvent.UpstreamStateChanged(Instant.now(), name(), state.wire(), detail));
    }

    /** Fetches again the list a change notification named; empty when the notification names none. */
    Optional<ListChange.Kind> refresh(String notification, UpstreamConnection c) {
        UpstreamCatalog old = catalog;
        switch (notification) {
            case "notifications/tools/list_changed" -> {
                catalog = new UpstreamCatalog(
                        CatalogFetcher.tools(config, hints, c),
                        old.resources(),
                        old.resourceTemplates(),
                        old.prompts());
                return Optional.of(ListChange.Kind.TOOLS);
            }
            case "notifications/resources/list_changed" -> {
                catalog = new UpstreamCatalog(
                        old.tools(),
                        CatalogFetcher.resources(config, hints, c),
                        CatalogFetcher.templates(config, hints, c),
                        old.prompts());
                return Optional.of(ListChange.Kind.RESOURCES);
            }
            case "notifications/prompts/list_changed" -> {
                catalog = new UpstreamCatalog(
                        old.tools(),
                        old.resources(),
                        old.resourceTemplates(),
                        CatalogFetcher.prompts(config, hints, c));
                return Optional.of(ListChange.Kind.PROMPTS);
            }
            default -> {
                return Optional.empty();
            }
        }
    }

    /** The server as the UI shows it. */
    UpstreamStatus status() {
        return new UpstreamStatus(
                name(),
                config.isStdio() ? "stdio" : "http",
                state.wire(),
                detail,
                catalog.tools().size(),
                lastError,
                retryAt);
    }

    /** Where the server is, for logs and the UI. */
    String describe() {
        if (config.isStdio()) {
            return "stdio: " + config.command().get(0);
        }
        // Query strings and user info sometimes carry keys; the log and the UI get scheme, host, port and path only.
        HttpUrl url = HttpUrl.parse(config.url().orElse(""));
        return url == null
                ? "an invalid url"
                : url.scheme() + "://" + url.host() + ":" + url.port() + url.encodedPath();
    }

    static String serverInfo(UpstreamConnection c) {
        JsonNode info = c.initializeResult().path("serverInfo");
        return info.path("name").asString("unnamed server") + " "
                + info.path("version").asString("") + ", protocol "
                + c.initializeResult().path("protocolVersion").asString();
    }
}
