package dev.tollgate.upstream;

import dev.tollgate.json.Json;
import java.util.List;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/** What Tollgate says as an MCP client in the initialize handshake, and which protocol versions it accepts. */
final class McpProtocol {
    static final String LATEST = "2025-11-25";
    static final List<String> SUPPORTED = List.of("2025-11-25", "2025-06-18", "2025-03-26");

    private McpProtocol() {}

    static ObjectNode initializeParams() {
        ObjectNode params = Json.object();
        params.put("protocolVersion", LATEST);
        // Tollgate relays these server-to-client requests to the agent that caused them (or answers an error).
        ObjectNode capabilities = params.putObject("capabilities");
        capabilities.putObject("roots").put("listChanged", true);
        capabilities.putObject("sampling");
        capabilities.putObject("elicitation");
        ObjectNode info = params.putObject("clientInfo");
        info.put("name", "tollgate");
        info.put("version", "0.1.0");
        return params;
    }

    /** The version the upstream chose; one Tollgate cannot speak fails the handshake. */
    static String negotiated(String server, JsonNode initializeResult) throws UpstreamException {
        String version = initializeResult.path("protocolVersion").asString("");
        if (!SUPPORTED.contains(version)) {
            throw new UpstreamException(
                    "upstream '" + server + "' chose protocol version '" + version + "'; Tollgate speaks " + SUPPORTED,
                    false,
                    null);
        }
        return version;
    }
}
