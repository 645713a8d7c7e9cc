package dev.tollgate.transport;

import dev.tollgate.gateway.JsonRpc;
import dev.tollgate.gateway.ModernProtocol;
import dev.tollgate.json.Json;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * Which era a POSTed body belongs to, and the 2026-07-28 revision's checks on it, in the revision's order:
 * the body decides the era (its {@code _meta} claims a protocol version) with the headers as a cross-check;
 * a malformed envelope is {@code -32602}, a header that disagrees with the body or is missing is
 * {@code -32020} (HeaderMismatch), a version Tollgate does not speak is {@code -32022}; all with HTTP 400 and
 * the request's id. Bodies without a claim and without a modern header stay in the 2025 era, unchanged.
 */
final class ModernRequestCheck {
    /** What to do with the body. */
    sealed interface Outcome permits Legacy, Modern, Refused {}

    /** A 2025-era message: the session-based path handles it as before. */
    record Legacy() implements Outcome {}

    /** A 2026-07-28 request or notification that passed every check. */
    record Modern(JsonNode message, boolean request, JsonNode meta) implements Outcome {}

    /**
     * Refused with this HTTP status and JSON-RPC error; {@code headerMismatch} marks the refusals an
     * intermediary routing on headers could have been misled by, which are audited.
     */
    record Refused(int status, JsonNode answer, boolean headerMismatch) implements Outcome {
        String reason() {
            return answer.path("error").path("message").asString("");
        }
    }

    /** The standard request headers as received (absent ones empty). */
    record Headers(Optional<String> version, Optional<String> method, Optional<String> name) {}

    private ModernRequestCheck() {}

    static Outcome classify(JsonNode body, Headers headers) {
        if (body.isArray()) {
            for (JsonNode element : body) {
                if (ModernProtocol.claimsEnvelope(element.path("params"))) {
                    return refused(
                            400,
                            JsonRpc.error(
                                    null,
                                    JsonRpc.INVALID_REQUEST,
                                    "Bad Request: JSON-RPC batches " + "may not contain requests for protocol revision "
                                            + ModernProtocol.VERSION),
                            false);
                }
            }
            return new Legacy();
        }
        return switch (JsonRpc.kind(body)) {
            case REQUEST -> request(body, headers);
            case NOTIFICATION -> notification(body, headers);
            default -> new Legacy();
        };
    }

    private static Outcome request(JsonNode body, Headers headers) {
        JsonNode id = body.get("id");
        String method = body.path("method").asString();
        JsonNode params = body.path("params");
        boolean headerModern = headers.version().map(ModernProtocol::isModern).orElse(false);
        if (!ModernProtocol.claimsEnvelope(params)) {
            if (!headerModern) {
                return new Legacy();
            }
            if (method.equals("initialize")) {
                return mismatch(
                        id,
                        headers.version().get(),
                        Optional.empty(),
                        "an initialize request (the 2025-era handshake) was "
                                + "sent with the MCP-Protocol-Version header "
                                + headers.version().get());
            }
            List<String> missing = missingKeys(ModernProtocol.meta(params));
            ObjectNode answer = JsonRpc.error(
                    id,
                    JsonRpc.INVALID_PARAMS,
                    "Invalid params: the MCP-Protocol-Version "
                            + "header names " + headers.version().get()
                            + " but the request lacks the per-request _meta key(s) "
                            + String.join(", ", missing));
            ArrayNode list = ((ObjectNode) answer.get("error"))
                    .putObject("data")
                    .putObject("envelope")
                    .putArray("missing");
            missing.forEach(list::add);
            return refused(400, answer, false);
        }
        JsonNode meta = params.get("_meta");
        Optional<String> problem = envelopeProblem(meta);
        if (problem.isPresent()) {
            return refused(
                    400,
                    JsonRpc.error(
                            id,
                            JsonRpc.INVALID_PARAMS,
                            "Invalid _meta envelope for protocol " + "revision " + ModernProtocol.VERSION + ": "
                                    + problem.get()),
                    false);
        }
        String claimed = meta.get(ModernProtocol.PROTOCOL_VERSION_KEY).asString();
        if (headers.version().isPresent() && !headers.version().get().equals(claimed)) {
            return mismatch(
                    id,
                    headers.version().get(),
                    Optional.of(claimed),
                    "the body's _meta names protocol version " + claimed + " but the MCP-Protocol-Version header names "
                            + headers.version().get());
        }
        if (headers.method().isPresent() && !headers.method().get().equals(method)) {
            return mismatch(
                    id,
                    headers.method().get(),
                    Optional.of(method),
                    "the body names method " + method + " but the Mcp-Method header names "
                            + headers.method().get());
        }
        if (!claimed.equals(ModernProtocol.VERSION)) {
            ObjectNode answer = JsonRpc.error(
                    id,
                    ModernProtocol.UNSUPPORTED_VERSION,
                    "Unsupported protocol version " + claimed + "; Tollgate speaks " + ModernProtocol.VERSION
                            + " statelessly and the 2025 revisions through initialize");
            ObjectNode data = ((ObjectNode) answer.get("error")).putObject("data");
            data.putArray("supported").add(ModernProtocol.VERSION);
            data.put("requested", claimed);
            return refused(400, answer, false);
        }
        if (headers.version().isEmpty()) {
            return mismatch(
                    id,
                    "(missing)",
                    Optional.of(claimed),
                    "the body's _meta names protocol version " + claimed
                            + " but the required MCP-Protocol-Version header is absent");
        }
        if (headers.method().isEmpty()) {
            return mismatch(
                    id,
                    "(missing)",
                    Optional.of(method),
                    "the body names method " + method + " but the required Mcp-Method header is absent");
        }
        Optional<String> field = ModernProtocol.nameField(method);
        Optional<String> bodyName = ModernProtocol.nameValue(method, params);
        if (field.isPresent() && bodyName.isPresent()) {
            if (headers.name().isEmpty()) {
                return mismatch(
                        id,
                        "(missing)",
                        bodyName,
                        "the body carries params." + field.get() + "=\"" + bodyName.get()
                                + "\" but the required Mcp-Name header is absent");
            }
            Optional<String> decoded =
                    ModernProtocol.decodeHeaderValue(headers.name().get());
            if (decoded.isEmpty()) {
                return mismatch(
                        id, headers.name().get(), bodyName, "the Mcp-Name header carries an invalid Base64 value");
            }
            if (!decoded.get().equals(bodyName.get())) {
                return mismatch(
                        id,
                        headers.name().get(),
                        bodyName,
                        "the body carries params." + field.get() + "=\"" + bodyName.get()
                                + "\" but the Mcp-Name header names \"" + decoded.get() + "\"");
            }
        }
        return new Modern(body, true, meta);
    }

    private static Outcome notification(JsonNode body, Headers headers) {
        JsonNode params = body.path("params");
        boolean headerModern = headers.version().map(ModernProtocol::isModern).orElse(false);
        if (!ModernProtocol.claimsEnvelope(params) && !headerModern) {
            return new Legacy();
        }
        String method = body.path("method").asString();
        if (headers.method().isPresent() && !headers.method().get().equals(method)) {
            return mismatch(
                    null,
                    headers.method().get(),
                    Optional.of(method),
                    "the notification names method " + method + " but the Mcp-Method header names "
                            + headers.method().get());
        }
        return new Modern(body, false, ModernProtocol.meta(params).orElseGet(Json::object));
    }

    /** The first thing wrong with a claimed envelope: required keys first, then their shapes. */
    private static Optional<String> envelopeProblem(JsonNode meta) {
        List<String> missing = missingKeys(Optional.of(meta));
        if (!missing.isEmpty()) {
            return Optional.of(missing.get(0) + ": missing");
        }
        if (!meta.get(ModernProtocol.PROTOCOL_VERSION_KEY).isString()) {
            return Optional.of(ModernProtocol.PROTOCOL_VERSION_KEY + ": expected a protocol version string");
        }
        if (!meta.get(ModernProtocol.CLIENT_CAPABILITIES_KEY).isObject()) {
            return Optional.of(ModernProtocol.CLIENT_CAPABILITIES_KEY + ": expected an object");
        }
        JsonNode info = meta.get(ModernProtocol.CLIENT_INFO_KEY);
        if (info != null
                && !(info.isObject()
                        && info.path("name").isString()
                        && info.path("version").isString())) {
            return Optional.of(ModernProtocol.CLIENT_INFO_KEY + ": expected an object with name and version");
        }
        JsonNode level = meta.get(ModernProtocol.LOG_LEVEL_KEY);
        if (level != null && !level.isString()) {
            return Optional.of(ModernProtocol.LOG_LEVEL_KEY + ": expected a log level string");
        }
        return Optional.empty();
    }

    private static List<String> missingKeys(Optional<JsonNode> meta) {
        if (meta.isEmpty()) {
            return List.of("_meta");
        }
        List<String> missing = new ArrayList<>();
        for (String key : List.of(ModernProtocol.PROTOCOL_VERSION_KEY, ModernProtocol.CLIENT_CAPABILITIES_KEY)) {
            if (!meta.get().has(key)) {
                missing.add(key);
            }
        }
        return missing;
    }

    /**
     * A HeaderMismatch refusal; {@code data.mismatch} holds the header's value as received and the body's value it
     * should have mirrored (JSON null when the body has none, as for an initialize sent with a 2026 header).
     */
    private static Refused mismatch(JsonNode id, String header, Optional<String> bodyValue, String detail) {
        ObjectNode answer = JsonRpc.error(
                id, ModernProtocol.HEADER_MISMATCH, "Bad Request: the request headers and body disagree: " + detail);
        ObjectNode mismatch =
                ((ObjectNode) answer.get("error")).putObject("data").putObject("mismatch");
        mismatch.put("header", header);
        if (bodyValue.isPresent()) {
            mismatch.put("body", bodyValue.get());
        } else {
            mismatch.putNull("body");
        }
        return new Refused(400, answer, true);
    }

    private static Refused refused(int status, JsonNode answer, boolean headerMismatch) {
        return new Refused(status, answer, headerMismatch);
    }
}
