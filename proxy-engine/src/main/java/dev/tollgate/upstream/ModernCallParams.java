package dev.tollgate.upstream;

import dev.tollgate.gateway.ModernProtocol;
import java.util.List;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * What a 2026-07-28 agent's {@code tools/call} carries beyond name and arguments, on its way through the chain:
 * the agent's per-request envelope (protocol version, declared capabilities, log level), which tells the upstream
 * connection the agent's era, and the answers of a multi-round-trip call ({@code inputResponses} and the opaque
 * {@code requestState}, returned byte for byte). The gateway keeps the last two in the call's meta under
 * Tollgate's own keys, which agents cannot set (the gateway strips {@code tollgate/} keys they send).
 */
public final class ModernCallParams {
    public static final String INPUT_RESPONSES = "tollgate/inputResponses";
    public static final String REQUEST_STATE = "tollgate/requestState";
    /**
     * In a tools/call result's {@code _meta}: the JSON-RPC error the upstream answered with. A 2026-07-28 agent
     * gets that error as it is (the revision answers protocol errors such as a tampered {@code requestState} or a
     * missing client capability as JSON-RPC errors); a 2025-era agent keeps getting the error as a tool result.
     */
    public static final String UPSTREAM_ERROR = "tollgate/upstreamError";
    /**
     * Set by the gateway on a later round of a multi-round-trip call (one returning a {@code requestState}
     * Tollgate relayed to the same agent for the same tool): the rounds count as one call, so rate limits and the
     * loop breaker let later rounds through; policy still decides every round.
     */
    public static final String LATER_ROUND = "tollgate/laterRound";
    /**
     * In a tools/call result's {@code _meta}, for the audit record only (the gateway removes it before the agent
     * gets the result): the questions the upstream asked the client during the call, each as {@code method} and
     * {@code round} (1 for the first), whether relayed as requests or bridged across eras.
     */
    public static final String ROUNDS = "tollgate/rounds";

    private static final List<String> ENVELOPE = List.of(
            ModernProtocol.PROTOCOL_VERSION_KEY, ModernProtocol.CLIENT_CAPABILITIES_KEY, ModernProtocol.LOG_LEVEL_KEY);

    private ModernCallParams() {}

    /** Keeps a follow-up round's params of a 2026-07-28 tools/call in the call's meta. */
    public static void keep(JsonNode params, ObjectNode meta) {
        if (params.has("inputResponses")) {
            meta.set(INPUT_RESPONSES, params.get("inputResponses"));
        }
        if (params.has("requestState")) {
            meta.set(REQUEST_STATE, params.get("requestState"));
        }
    }

    /** Whether the call is a later round of a multi-round-trip call the agent already made. */
    public static boolean laterRound(JsonNode meta) {
        return meta != null && meta.path(LATER_ROUND).asBoolean(false);
    }

    /** Adds the envelope and a follow-up round's params from the call's meta to the upstream request's params. */
    static void add(JsonNode meta, ObjectNode params) {
        if (meta == null || !meta.isObject() || !meta.has(ModernProtocol.PROTOCOL_VERSION_KEY)) {
            return;
        }
        ObjectNode upstreamMeta = params.get("_meta") instanceof ObjectNode m ? m : params.putObject("_meta");
        for (String key : ENVELOPE) {
            if (meta.has(key)) {
                upstreamMeta.set(key, meta.get(key));
            }
        }
        if (meta.has(INPUT_RESPONSES)) {
            params.set("inputResponses", meta.get(INPUT_RESPONSES));
        }
        if (meta.has(REQUEST_STATE)) {
            params.set("requestState", meta.get(REQUEST_STATE));
        }
    }
}
