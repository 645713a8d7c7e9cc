package dev.tollgate.auditserver;

import dev.tollgate.config.TollgateConfig;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import tools.jackson.databind.JsonNode;

/**
 * The {@code auditServer} section: {@code roles}, the agent roles that see the virtual server {@code tollgate}
 * whose read-only tools query the audit store. Absent, there is no such server.
 */
public record AuditServerSettings(List<String> roles, String source) {
    /** The virtual server's name; reserved while the audit server is on. */
    public static final String SERVER = "tollgate";

    public AuditServerSettings {
        roles = List.copyOf(roles);
    }

    /** Reads the section; a {@code file:line} error for anything malformed or a configured server named tollgate. */
    public static Optional<AuditServerSettings> from(TollgateConfig config) {
        JsonNode node = config.root().path("auditServer");
        if (node.isMissingNode() || node.isNull()) {
            return Optional.empty();
        }
        if (!node.isObject()) {
            throw config.sourceMap().error("/auditServer", "auditServer must be a mapping with roles");
        }
        for (Map.Entry<String, JsonNode> e : node.properties()) {
            if (!e.getKey().equals("roles")) {
                throw config.sourceMap()
                        .error(
                                "/auditServer/" + e.getKey(),
                                "unknown key '" + e.getKey() + "' in auditServer (expected roles)");
            }
        }
        JsonNode roles = node.path("roles");
        if (!roles.isArray() || roles.isEmpty()) {
            throw config.sourceMap().error("/auditServer", "auditServer needs roles, e.g. { roles: [auditor] }");
        }
        List<String> names = new ArrayList<>();
        for (JsonNode role : roles) {
            if (!role.isString() || role.asString().isBlank()) {
                throw config.sourceMap().error("/auditServer/roles", "roles must be a list of role names");
            }
            names.add(role.asString());
        }
        if (config.servers().containsKey(SERVER)) {
            throw config.sourceMap()
                    .error(
                            "/servers/" + SERVER,
                            "the server name '" + SERVER
                                    + "' is reserved for the audit server (auditServer is configured)");
        }
        return Optional.of(new AuditServerSettings(names, config.sourceMap().location("/auditServer/roles")));
    }
}
