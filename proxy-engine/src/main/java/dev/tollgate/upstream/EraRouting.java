package dev.tollgate.upstream;

import dev.tollgate.gateway.ModernProtocol;
import dev.tollgate.json.Json;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Consumer;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * Sends each request in the era its agent speaks. A request made for a 2026-07-28 agent carries that agent's
 * per-request envelope in {@code params._meta}; any other request is 2025-era. An upstream that offers both
 * eras keeps a connection in each, so every agent meets the upstream as it would directly (server-to-client
 * requests for 2025 agents, {@code input_required} results for 2026 ones); its lists are the union of both eras'
 * (a server may offer some tools in one era only), and a request naming something one era alone offers goes to
 * that era. An upstream of one era gets every request in its era, a 2025-era one without the envelope keys,
 * which would make it misread the request.
 */
final class EraRouting implements UpstreamConnection {
    private static final Map<String, String> LIST_KEYS = Map.of(
            "tools/list",
            "tools",
            "prompts/list",
            "prompts",
            "resources/list",
            "resources",
            "resources/templates/list",
            "resourceTemplates");
    private static final Map<String, String> ITEM_ID =
            Map.of("tools", "name", "prompts", "name", "resources", "uri", "resourceTemplates", "uriTemplate");

    /** What each era listed last, by name or URI. */
    private record Offered(
            Set<String> legacy,
            Set<String> modern,
            Map<String, Set<String>> legacyByKind,
            Map<String, Set<String>> modernByKind) {
        static final Offered NONE = new Offered(Set.of(), Set.of(), Map.of(), Map.of());

        Offered with(String kind, Set<String> legacyItems, Set<String> modernItems) {
            Map<String, Set<String>> legacyKinds = new HashMap<>(legacyByKind);
            Map<String, Set<String>> modernKinds = new HashMap<>(modernByKind);
            legacyKinds.put(kind, Set.copyOf(legacyItems));
            modernKinds.put(kind, Set.copyOf(modernItems));
            Set<String> allLegacy = new HashSet<>();
            legacyKinds.values().forEach(allLegacy::addAll);
            Set<String> allModern = new HashSet<>();
            modernKinds.values().forEach(allModern::addAll);
            return new Offered(
                    Set.copyOf(allLegacy), Set.copyOf(allModern), Map.copyOf(legacyKinds), Map.copyOf(modernKinds));
        }
    }

    private final Optional<UpstreamConnection> modern;
    private final Optional<UpstreamConnection> legacy;
    private volatile Offered offered = Offered.NONE;

    private EraRouting(Optional<UpstreamConnection> modern, Optional<UpstreamConnection> legacy) {
        this.modern = modern;
        this.legacy = legacy;
    }

    /** A connection to an upstream that speaks the 2025 era only. */
    static UpstreamConnection legacyOnly(UpstreamConnection legacy) {
        return new EraRouting(Optional.empty(), Optional.of(legacy));
    }

    /** Both eras of one upstream: 2026-07-28 requests to {@code modern}, the rest to {@code legacy}. */
    static UpstreamConnection both(UpstreamConnection modern, UpstreamConnection legacy) {
        return new EraRouting(Optional.of(modern), Optional.of(legacy));
    }

    /** Whether params carry a 2026-07-28 agent's envelope. */
    static boolean forModernAgent(JsonNode params) {
        return ModernProtocol.claimsEnvelope(params);
    }

    /** The params without the 2026-07-28 envelope keys, for a 2025-era upstream. */
    static JsonNode withoutEnvelope(JsonNode params) {
        if (!(params != null && params.get("_meta") instanceof ObjectNode meta) || !forModernAgent(params)) {
            return params;
        }
        ObjectNode copy = ((ObjectNode) params).deepCopy();
        ObjectNode copyMeta = (ObjectNode) copy.get("_meta");
        meta.propertyNames().stream()
                .filter(key -> key.startsWith("io.modelcontextprotocol/"))
                .toList()
                .forEach(copyMeta::remove);
        if (copyMeta.isEmpty()) {
            copy.remove("_meta");
        }
        return copy;
    }

    private UpstreamConnection primary() {
        return legacy.orElseGet(modern::orElseThrow);
    }

    @Override
    public String server() {
        return primary().server();
    }

    @Override
    public JsonNode initializeResult() {
        return primary().initializeResult();
    }

    @Override
    public UpstreamResponse request(String method, JsonNode params, RequestOptions options) throws UpstreamException {
        if (modern.isEmpty() || legacy.isEmpty()) {
            return modern.isPresent()
                    ? modern.get().request(method, params, options)
                    : legacy.get().request(method, withoutEnvelope(params), options);
        }
        Optional<String> listKey = Optional.ofNullable(LIST_KEYS.get(method));
        if (listKey.isPresent() && !params.has("cursor")) {
            return union(method, listKey.get(), params, options);
        }
        if (servesModern(method, params)) {
            return modern.get().request(method, params, options);
        }
        return legacy.get().request(method, withoutEnvelope(params), options);
    }

    /**
     * The era a request of both goes to: the agent's own, unless what it names (a tool, prompt or resource) is
     * offered in the other era only, as the lists Tollgate merged said.
     */
    private boolean servesModern(String method, JsonNode params) {
        String named = params == null
                ? ""
                : params.path(method.startsWith("resources/") ? "uri" : "name").asString("");
        boolean inModern = offered.modern().contains(named);
        boolean inLegacy = offered.legacy().contains(named);
        if (inModern != inLegacy) {
            return inModern;
        }
        return forModernAgent(params);
    }

    /** A list method's whole answer from both eras, each item once (the 2025 era's copy when both list it). */
    private UpstreamResponse union(String method, String key, JsonNode params, RequestOptions options)
            throws UpstreamException {
        List<JsonNode> fromLegacy = all(legacy.get(), method, key, withoutEnvelope(params), options);
        List<JsonNode> fromModern = all(modern.get(), method, key, params, options);
        String id = ITEM_ID.get(key);
        Set<String> legacyIds = new LinkedHashSet<>();
        Set<String> modernIds = new LinkedHashSet<>();
        ObjectNode result = Json.object();
        ArrayNode items = result.putArray(key);
        for (JsonNode item : fromLegacy) {
            legacyIds.add(item.path(id).asString(""));
            items.add(item);
        }
        for (JsonNode item : fromModern) {
            String itemId = item.path(id).asString("");
            modernIds.add(itemId);
            if (!legacyIds.contains(itemId)) {
                items.add(item);
            }
        }
        offered = offered.with(key, legacyIds, modernIds);
        return UpstreamResponse.ofResult(result);
    }

    private static List<JsonNode> all(
            UpstreamConnection connection, String method, String key, JsonNode params, RequestOptions options)
            throws UpstreamException {
        List<JsonNode> out = new ArrayList<>();
        Set<String> cursors = new HashSet<>();
        ObjectNode page = params != null && params.isObject() ? ((ObjectNode) params).deepCopy() : Json.object();
        while (true) {
            UpstreamResponse response = connection.request(method, page, options);
            if (response.error().isPresent()) {
                return out;
            }
            JsonNode result = response.result().orElseGet(Json::object);
            result.path(key).forEach(out::add);
            JsonNode next = result.get("nextCursor");
            if (next == null || !next.isString() || !cursors.add(next.asString())) {
                return out;
            }
            page.put("cursor", next.asString());
        }
    }

    @Override
    public void notify(String method, JsonNode params) {
        if (modern.isPresent() && (legacy.isEmpty() || forModernAgent(params))) {
            modern.get().notify(method, params);
        } else {
            legacy.orElseThrow().notify(method, withoutEnvelope(params));
        }
    }

    /**
     * Answers to server-to-client requests go to the 2025 era, except a 2025 agent's answers to the questions a
     * 2026-07-28 {@code input_required} result asked.
     */
    @Override
    public void respond(JsonNode response) {
        if (modern.isPresent() && ModernHttpUpstreamConnection.answersRelayedQuestion(response)) {
            modern.get().respond(response);
        } else {
            primary().respond(response);
        }
    }

    @Override
    public void onUnsolicited(Consumer<JsonNode> listener) {
        modern.ifPresent(c -> c.onUnsolicited(listener));
        legacy.ifPresent(c -> c.onUnsolicited(listener));
    }

    @Override
    public boolean isAlive() {
        return primary().isAlive();
    }

    @Override
    public void onStateChange(UpstreamStateListener listener) {
        primary().onStateChange(listener);
    }

    @Override
    public void close() {
        modern.ifPresent(UpstreamConnection::close);
        legacy.ifPresent(UpstreamConnection::close);
    }

    @Override
    public String toString() {
        return "EraRouting[" + modern.map(Object::toString).orElse("-") + ", "
                + legacy.map(Object::toString).orElse("-") + "]";
    }
}
