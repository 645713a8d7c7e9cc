package dev.tollgate.engine;

import dev.tollgate.audit.AuditStore;
import dev.tollgate.audit.AuditStores;
import dev.tollgate.audit.AuditUnavailableException;
import dev.tollgate.config.TollgateConfig;
import dev.tollgate.json.Json;
import dev.tollgate.ratelimit.LimitStoreSettings;
import dev.tollgate.upstream.UpstreamRegistry;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/** What the engine takes from the configuration besides the policy, and what it reports about itself from it. */
final class EngineSettings {
    private EngineSettings() {}

    static AuditStore openAudit(TollgateConfig config) {
        try {
            return AuditStores.open(config);
        } catch (AuditUnavailableException e) {
            throw new IllegalStateException(
                    "cannot open the audit store " + AuditStores.redactUrl(config.auditUrl()) + ": " + e.getMessage(),
                    e);
        }
    }

    /** What {@code GET /admin/status} answers: the instance's stores (no credentials) and its upstreams. */
    static JsonNode adminStatus(TollgateConfig config, UpstreamRegistry upstreams) {
        ObjectNode status = Json.object();
        status.put("auditUrl", AuditStores.redactUrl(config.auditUrl()));
        status.put(
                "limitStore",
                LimitStoreSettings.from(config)
                        .redisUrl()
                        .map(AuditStores::redactUrl)
                        .orElse("memory"));
        ArrayNode servers = status.putArray("upstreams");
        for (UpstreamStatus s : upstreams.statuses()) {
            ObjectNode server = servers.addObject();
            server.put("server", s.server());
            server.put("transport", s.transport());
            server.put("state", s.state());
            server.put("detail", s.detail());
            server.put("toolCount", s.toolCount());
        }
        return status;
    }

    static Map<String, String> upstreamStates(UpstreamRegistry upstreams) {
        Map<String, String> states = new LinkedHashMap<>();
        if (upstreams != null) {
            upstreams.statuses().forEach(s -> states.put(s.server(), s.state()));
        }
        return states;
    }

    /** The {@code allowedHosts} list: names besides the loopback ones that may appear in {@code Host}. */
    static List<String> allowedHosts(TollgateConfig config) {
        JsonNode node = config.root().path("allowedHosts");
        if (node.isMissingNode() || node.isNull()) {
            return List.of();
        }
        if (!node.isArray()) {
            throw config.sourceMap().error("/allowedHosts", "allowedHosts must be a list of host names");
        }
        List<String> hosts = new ArrayList<>();
        node.forEach(h -> hosts.add(h.asString()));
        return hosts;
    }
}
