package dev.tollgate.gateway;

import dev.tollgate.json.Json;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.NullNode;
import tools.jackson.databind.node.ObjectNode;

/** JSON-RPC 2.0 message shapes and the error codes the MCP spec names. */
public final class JsonRpc {
    public static final int PARSE_ERROR = -32700;
    public static final int INVALID_REQUEST = -32600;
    public static final int METHOD_NOT_FOUND = -32601;
    public static final int INVALID_PARAMS = -32602;
    public static final int INTERNAL_ERROR = -32603;
    /** Transport-level refusals (no session, unauthenticated) carry this implementation-defined code. */
    public static final int SERVER_ERROR = -32000;

    public static final int SESSION_NOT_FOUND = -32001;
    /** MCP's code for a resource URI that no server knows. */
    public static final int RESOURCE_NOT_FOUND = -32002;

    /** What a parsed JSON value is, as JSON-RPC sees it. */
    public enum Kind {
        REQUEST,
        NOTIFICATION,
        RESPONSE,
        INVALID
    }

    private JsonRpc() {}

    public static Kind kind(JsonNode message) {
        if (message == null
                || !message.isObject()
                || !"2.0".equals(message.path("jsonrpc").asString(""))) {
            return Kind.INVALID;
        }
        JsonNode method = message.get("method");
        JsonNode id = message.get("id");
        boolean validId = id != null && (id.isString() || id.isIntegralNumber());
        if (method != null) {
            if (!method.isString() || method.asString().isEmpty()) {
                return Kind.INVALID;
            }
            JsonNode params = message.get("params");
            if (params != null && !params.isObject() && !params.isArray()) {
                return Kind.INVALID;
            }
            if (id == null) {
                return Kind.NOTIFICATION;
            }
            return validId ? Kind.REQUEST : Kind.INVALID;
        }
        boolean hasResult = message.has("result");
        boolean hasError = message.has("error");
        if (id != null && hasResult != hasError) {
            return Kind.RESPONSE;
        }
        return Kind.INVALID;
    }

    public static ObjectNode request(JsonNode id, String method, JsonNode params) {
        ObjectNode message = Json.object();
        message.put("jsonrpc", "2.0");
        message.set("id", id);
        message.put("method", method);
        if (params != null && !params.isMissingNode()) {
            message.set("params", params);
        }
        return message;
    }

    public static ObjectNode notification(String method, JsonNode params) {
        ObjectNode message = Json.object();
        message.put("jsonrpc", "2.0");
        message.put("method", method);
        if (params != null && !params.isMissingNode()) {
            message.set("params", params);
        }
        return message;
    }

    public static ObjectNode result(JsonNode id, JsonNode result) {
        ObjectNode message = Json.object();
        message.put("jsonrpc", "2.0");
        message.set("id", id);
        message.set("result", result);
        return message;
    }

    public static ObjectNode error(JsonNode id, int code, String text) {
        ObjectNode message = Json.object();
        message.put("jsonrpc", "2.0");
        message.set("id", id == null ? NullNode.getInstance() : id);
        ObjectNode error = message.putObject("error");
        error.put("code", code);
        error.put("message", text);
        return message;
    }

    /** An error answer to a request, carrying the upstream's error object unchanged. */
    public static ObjectNode errorObject(JsonNode id, JsonNode error) {
        ObjectNode message = Json.object();
        message.put("jsonrpc", "2.0");
        message.set("id", id);
        message.set("error", error);
        return message;
    }

    /** The id of a message when it has a usable one, else JSON null (as JSON-RPC answers unidentifiable input). */
    public static JsonNode idOf(JsonNode message) {
        JsonNode id = message == null ? null : message.get("id");
        return id != null && (id.isString() || id.isIntegralNumber()) ? id : NullNode.getInstance();
    }
}
