package dev.tollgate.ui.live;

import dev.tollgate.audit.AuditRecord;
import dev.tollgate.gateway.ModernProtocol;
import dev.tollgate.json.Json;
import java.net.URI;
import java.util.Locale;
import java.util.Optional;
import tools.jackson.databind.node.ObjectNode;

/**
 * A recorded call as a curl command that issues it again against Tollgate's endpoint: one stateless MCP
 * 2026-07-28 POST (no initialize needed), with the recorded arguments and conversation. The agent's key is never
 * copied: the command reads it from the {@value #KEY_VARIABLE} environment variable.
 */
public final class CurlCommand {
    public static final String KEY_VARIABLE = "TOLLGATE_AGENT_KEY";
    /** Where the command points when the window has no endpoint (a store opened read-only). */
    public static final String NO_ENDPOINT = "http://127.0.0.1:7070/mcp";

    private CurlCommand() {}

    /**
     * The command for {@code record}; {@code separator} joins server and tool in the name agents see
     * ({@code toolNameSeparator}, {@code __} by default).
     */
    public static String of(AuditRecord record, Optional<URI> endpoint, String separator) {
        String name = record.server() + separator + record.tool();
        ObjectNode body = Json.object();
        body.put("jsonrpc", "2.0");
        body.put("id", 1);
        body.put("method", "tools/call");
        ObjectNode params = body.putObject("params");
        params.put("name", name);
        params.set("arguments", record.arguments());
        ObjectNode meta = params.putObject("_meta");
        meta.put(ModernProtocol.PROTOCOL_VERSION_KEY, ModernProtocol.VERSION);
        meta.putObject(ModernProtocol.CLIENT_CAPABILITIES_KEY);
        meta.putObject(ModernProtocol.CLIENT_INFO_KEY).put("name", "curl").put("version", "1");
        record.conversationId().ifPresent(c -> meta.put("tollgate/conversation", c));
        String agentVariable = "$" + KEY_VARIABLE;
        return String.format(
                Locale.ROOT,
                "# %s's call #%d again; set %s to %s's key first (it is not copied here)%n"
                        + "curl -sS %s \\%n"
                        + "  -H 'Content-Type: application/json' \\%n"
                        + "  -H 'Accept: application/json, text/event-stream' \\%n"
                        + "  -H \"Authorization: Bearer %s\" \\%n"
                        + "  -H '%s: %s' \\%n"
                        + "  -H '%s: tools/call' \\%n"
                        + "  -H %s \\%n"
                        + "  --data-raw %s%n",
                record.agentId(),
                record.id(),
                KEY_VARIABLE,
                record.agentId(),
                quote(endpoint.map(URI::toString).orElse(NO_ENDPOINT)),
                agentVariable,
                ModernProtocol.VERSION_HEADER,
                ModernProtocol.VERSION,
                ModernProtocol.METHOD_HEADER,
                quote(ModernProtocol.NAME_HEADER + ": " + ModernProtocol.encodeHeaderValue(name)),
                quote(Json.write(body)));
    }

    /** Single-quotes a word for a POSIX shell (a quote inside becomes {@code '\''}). */
    static String quote(String text) {
        return "'" + text.replace("'", "'\\''") + "'";
    }
}
