package dev.tollgate.gateway;

import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import tools.jackson.databind.JsonNode;

/**
 * The stateless MCP revision 2026-07-28 as both sides of Tollgate speak it: no initialize handshake and no
 * session; every request carries its protocol version and the client's capabilities in {@code params._meta},
 * and over HTTP the {@code MCP-Protocol-Version}, {@code Mcp-Method} and {@code Mcp-Name} headers that
 * intermediaries may route on, which must agree with the body.
 */
public final class ModernProtocol {
    public static final String VERSION = "2026-07-28";
    public static final String PROTOCOL_VERSION_KEY = "io.modelcontextprotocol/protocolVersion";
    public static final String CLIENT_CAPABILITIES_KEY = "io.modelcontextprotocol/clientCapabilities";
    public static final String CLIENT_INFO_KEY = "io.modelcontextprotocol/clientInfo";
    public static final String SERVER_INFO_KEY = "io.modelcontextprotocol/serverInfo";
    public static final String LOG_LEVEL_KEY = "io.modelcontextprotocol/logLevel";
    public static final String SUBSCRIPTION_ID_KEY = "io.modelcontextprotocol/subscriptionId";
    public static final String METHOD_HEADER = "Mcp-Method";
    public static final String NAME_HEADER = "Mcp-Name";
    public static final String VERSION_HEADER = "MCP-Protocol-Version";
    /** The request headers and body disagree (HeaderMismatch). */
    public static final int HEADER_MISMATCH = -32020;
    /** Processing needs a client capability the request did not declare. */
    public static final int MISSING_CLIENT_CAPABILITY = -32021;
    /** The requested protocol version is not one this peer speaks; {@code data.supported} lists those it does. */
    public static final int UNSUPPORTED_VERSION = -32022;

    /** The revision's request methods; every other method (initialize, ping, logging/setLevel, ...) is gone. */
    public static final Set<String> METHODS = Set.of(
            "tools/call",
            "tools/list",
            "prompts/get",
            "prompts/list",
            "resources/list",
            "resources/templates/list",
            "resources/read",
            "completion/complete",
            "server/discover",
            "subscriptions/listen");

    /** The body field each method's {@code Mcp-Name} header mirrors. */
    private static final Map<String, String> NAME_SOURCE = Map.of(
            "tools/call",
            "name",
            "prompts/get",
            "name",
            "resources/read",
            "uri",
            "tasks/get",
            "taskId",
            "tasks/update",
            "taskId",
            "tasks/cancel",
            "taskId");

    private static final String BASE64_PREFIX = "=?base64?";
    private static final String BASE64_SUFFIX = "?=";

    private ModernProtocol() {}

    /** Revision identifiers are ISO dates: this one and every later one belong to the stateless era. */
    public static boolean isModern(String version) {
        return version != null && version.compareTo(VERSION) >= 0;
    }

    /** The {@code _meta} object of a request's params, when there is one. */
    public static Optional<JsonNode> meta(JsonNode params) {
        JsonNode meta = params == null ? null : params.get("_meta");
        return meta != null && meta.isObject() ? Optional.of(meta) : Optional.empty();
    }

    /** Whether the request claims the per-request envelope (its {@code _meta} names a protocol version). */
    public static boolean claimsEnvelope(JsonNode params) {
        return meta(params).map(m -> m.has(PROTOCOL_VERSION_KEY)).orElse(false);
    }

    /** The body field ({@code name}, {@code uri}, {@code taskId}) the {@code Mcp-Name} header mirrors, if any. */
    public static Optional<String> nameField(String method) {
        return Optional.ofNullable(NAME_SOURCE.get(method));
    }

    /** The value the {@code Mcp-Name} header must carry for this request, when the method has one. */
    public static Optional<String> nameValue(String method, JsonNode params) {
        return nameField(method)
                .map(field -> params == null ? null : params.get(field))
                .filter(JsonNode::isString)
                .map(JsonNode::asString);
    }

    /** A header value as sent: printable ASCII as is, anything else in the revision's Base64 sentinel. */
    public static String encodeHeaderValue(String value) {
        boolean plain = !value.isEmpty()
                && value.chars().allMatch(c -> c >= 0x21 && c <= 0x7e)
                && !value.startsWith(BASE64_PREFIX);
        if (plain) {
            return value;
        }
        return BASE64_PREFIX
                + Base64.getEncoder().encodeToString(value.getBytes(StandardCharsets.UTF_8))
                + BASE64_SUFFIX;
    }

    /** A received header value decoded; empty when it carries a malformed Base64 sentinel. */
    public static Optional<String> decodeHeaderValue(String value) {
        String trimmed = value.strip();
        if (!(trimmed.startsWith(BASE64_PREFIX)
                && trimmed.endsWith(BASE64_SUFFIX)
                && trimmed.length() >= BASE64_PREFIX.length() + BASE64_SUFFIX.length())) {
            return Optional.of(trimmed);
        }
        String encoded = trimmed.substring(BASE64_PREFIX.length(), trimmed.length() - BASE64_SUFFIX.length());
        try {
            byte[] bytes = Base64.getDecoder().decode(encoded);
            if (!Base64.getEncoder().encodeToString(bytes).equals(encoded)) {
                return Optional.empty();
            }
            return Optional.of(StandardCharsets.UTF_8
                    .newDecoder()
                    .decode(ByteBuffer.wrap(bytes))
                    .toString());
        } catch (IllegalArgumentException | CharacterCodingException e) {
            return Optional.empty();
        }
    }
}
