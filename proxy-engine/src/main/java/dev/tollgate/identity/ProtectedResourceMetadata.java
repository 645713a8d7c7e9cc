package dev.tollgate.identity;

import dev.tollgate.json.Json;
import java.util.List;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/** The OAuth 2.0 Protected Resource Metadata document (RFC 9728) describing Tollgate's MCP endpoint. */
public record ProtectedResourceMetadata(String resource, List<String> authorizationServers, List<String> scopes) {
    public ProtectedResourceMetadata {
        authorizationServers = List.copyOf(authorizationServers);
        scopes = List.copyOf(scopes);
    }

    public ObjectNode toJson() {
        ObjectNode doc = Json.object();
        doc.put("resource", resource);
        ArrayNode servers = doc.putArray("authorization_servers");
        authorizationServers.forEach(servers::add);
        doc.putArray("bearer_methods_supported").add("header");
        if (!scopes.isEmpty()) {
            ArrayNode scopeArray = doc.putArray("scopes_supported");
            scopes.forEach(scopeArray::add);
        }
        doc.put("resource_name", "Tollgate MCP gateway");
        return doc;
    }
}
