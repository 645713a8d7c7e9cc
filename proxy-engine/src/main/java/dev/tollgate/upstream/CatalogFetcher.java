package dev.tollgate.upstream;

import dev.tollgate.config.ServerConfig;
import dev.tollgate.json.Json;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/** Fetches what one upstream lists (tools, resources, resource templates, prompts), following every page. */
final class CatalogFetcher {
    private static final Logger LOG = LoggerFactory.getLogger(CatalogFetcher.class);
    private static final int MAX_PAGES = 1_000;

    private CatalogFetcher() {}

    static UpstreamCatalog fetch(ServerConfig config, ListHints hints, UpstreamConnection c) {
        return new UpstreamCatalog(
                tools(config, hints, c),
                resources(config, hints, c),
                templates(config, hints, c),
                prompts(config, hints, c));
    }

    static List<UpstreamTool> tools(ServerConfig config, ListHints hints, UpstreamConnection c) {
        return list(config, hints, c, "tools", "tools/list", "tools", d -> UpstreamTool.of(config.name(), d));
    }

    static List<UpstreamResource> resources(ServerConfig config, ListHints hints, UpstreamConnection c) {
        return list(
                config,
                hints,
                c,
                "resources",
                "resources/list",
                "resources",
                d -> new UpstreamResource(config.name(), d.path("uri").asString(), d));
    }

    static List<UpstreamResourceTemplate> templates(ServerConfig config, ListHints hints, UpstreamConnection c) {
        return list(
                config,
                hints,
                c,
                "resources",
                "resources/templates/list",
                "resourceTemplates",
                d -> new UpstreamResourceTemplate(
                        config.name(), d.path("uriTemplate").asString(), d));
    }

    static List<UpstreamPrompt> prompts(ServerConfig config, ListHints hints, UpstreamConnection c) {
        return list(
                config,
                hints,
                c,
                "prompts",
                "prompts/list",
                "prompts",
                d -> new UpstreamPrompt(config.name(), d.path("name").asString(), d));
    }

    /**
     * Fetches every page of one list; a server without the capability lists nothing. The cache hints of the pages
     * go to {@code hints}, whatever the outcome.
     */
    private static <T> List<T> list(
            ServerConfig config,
            ListHints hints,
            UpstreamConnection c,
            String capability,
            String method,
            String key,
            Function<JsonNode, T> toRecord) {
        ListHints.Fetch fetch = hints.fetch(method);
        try {
            return pages(config, c, capability, method, key, toRecord, fetch);
        } finally {
            fetch.done();
        }
    }

    private static <T> List<T> pages(
            ServerConfig config,
            UpstreamConnection c,
            String capability,
            String method,
            String key,
            Function<JsonNode, T> toRecord,
            ListHints.Fetch fetch) {
        List<T> items = new ArrayList<>();
        if (!c.initializeResult().path("capabilities").has(capability)) {
            fetch.unlisted();
            return items;
        }
        Set<String> cursors = new HashSet<>();
        Optional<String> cursor = Optional.empty();
        for (int page = 0; page < MAX_PAGES; page++) {
            ObjectNode params = Json.object();
            cursor.ifPresent(value -> params.put("cursor", value));
            UpstreamResponse response;
            try {
                response = c.request(method, params, RequestOptions.of(config.timeout()));
            } catch (UpstreamException ex) {
                LOG.warn("upstream '{}' {} failed: {}", config.name(), method, ex.getMessage());
                return items;
            }
            if (response.error().isPresent()) {
                LOG.warn(
                        "upstream '{}' answered {} with an error: {}",
                        config.name(),
                        method,
                        response.error().get().path("message").asString());
                return items;
            }
            JsonNode result = response.result().orElseThrow();
            fetch.page(result);
            for (JsonNode item : result.path(key)) {
                items.add(toRecord.apply(item));
            }
            JsonNode next = result.get("nextCursor");
            if (next == null || next.isNull() || next.asString("").isEmpty()) {
                return items;
            }
            if (!cursors.add(next.asString())) {
                LOG.warn(
                        "upstream '{}' repeated {} cursor '{}'; stopping there",
                        config.name(),
                        method,
                        next.asString());
                return items;
            }
            cursor = Optional.of(next.asString());
        }
        LOG.warn("upstream '{}' {} has more than {} pages; stopping there", config.name(), method, MAX_PAGES);
        return items;
    }
}
