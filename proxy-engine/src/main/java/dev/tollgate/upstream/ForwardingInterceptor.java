package dev.tollgate.upstream;

import dev.tollgate.json.Json;
import dev.tollgate.pipeline.CallOutcome;
import dev.tollgate.pipeline.CallStatus;
import dev.tollgate.pipeline.CancellationSignal;
import dev.tollgate.pipeline.Decision;
import dev.tollgate.pipeline.Interceptor;
import dev.tollgate.pipeline.ToolCall;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Optional;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * The last link: sends {@code tools/call} to the upstream and turns what comes back into a {@link CallOutcome}.
 *
 * <p>It decides nothing: its outcomes carry the decision the call's state recorded (the policy's allowing rule),
 * or {@code allowed by "forwarded"} in a chain without a deciding link.
 * Status: an {@code isError} result, an upstream JSON-RPC error (returned to the agent as an {@code isError}
 * tool result carrying the upstream's message) or an unavailable upstream is {@link CallStatus#ERROR}; no answer
 * within {@code min(call timeout, server timeout)} is {@link CallStatus#TIMEOUT}; a call the agent cancels is
 * cancelled upstream too and ends as {@link CallStatus#ERROR}. Only the agent's
 * {@code progressToken} travels upstream from {@code _meta}; Tollgate's own {@code _meta} keys stay behind.
 */
public final class ForwardingInterceptor implements Interceptor {
    /** The decision this link reports when no earlier link recorded one. */
    public static final Decision FORWARDED = Decision.allowed("forwarded", Optional.empty());

    private final UpstreamRegistry registry;

    public ForwardingInterceptor(UpstreamRegistry registry) {
        this.registry = registry;
    }

    @Override
    public CallOutcome intercept(Chain chain) {
        ToolCall call = chain.call();
        Decision decided = chain.state().decision().orElse(FORWARDED);
        String server = call.tool().server();
        UpstreamConnection connection;
        try {
            connection = registry.connection(server);
        } catch (UpstreamException e) {
            return CallOutcome.failed(decided, CallStatus.ERROR, e.getMessage());
        }
        Duration timeout = chain.context().timeout();
        Optional<Duration> serverTimeout = registry.serverConfig(server).map(s -> s.timeout());
        if (serverTimeout.isPresent() && serverTimeout.get().compareTo(timeout) < 0) {
            timeout = serverTimeout.get();
        }
        CancellationSignal cancellation = chain.context().cancellation();
        if (cancellation.isCancelled()) {
            return CallOutcome.failed(
                    decided,
                    CallStatus.ERROR,
                    "the agent cancelled the call before it reached " + "upstream '" + server + "': "
                            + cancellation.reason().orElseThrow());
        }
        RoundLog rounds = new RoundLog(chain.context().channel());
        RequestOptions options = new RequestOptions(call.upstreamAuth().headers(), timeout, rounds, cancellation);
        UpstreamResponse response;
        try {
            response = connection.request("tools/call", params(call), options);
        } catch (UpstreamException e) {
            CallStatus status = e.timedOut() ? CallStatus.TIMEOUT : CallStatus.ERROR;
            return new CallOutcome(decided, status, rounds.annotate(CallOutcome.errorResult(e.getMessage())), 0);
        }
        if (response.error().isPresent()) {
            JsonNode error = response.error().get();
            String text = "upstream '" + server + "' returned error "
                    + error.path("code").asString("") + ": "
                    + error.path("message").asString("(no message)");
            ObjectNode result = CallOutcome.errorResult(text);
            result.putObject("_meta").set(ModernCallParams.UPSTREAM_ERROR, error);
            return new CallOutcome(decided, CallStatus.ERROR, rounds.annotate(result), size(result));
        }
        JsonNode result = response.result().orElseGet(Json::object);
        CallStatus status = result.path("isError").asBoolean(false) ? CallStatus.ERROR : CallStatus.SUCCESS;
        return new CallOutcome(decided, status, rounds.annotate(result), size(result));
    }

    private static ObjectNode params(ToolCall call) {
        ObjectNode params = Json.object();
        params.put("name", call.tool().tool());
        params.set(
                "arguments", call.arguments() == null || call.arguments().isNull() ? Json.object() : call.arguments());
        JsonNode token = call.meta() == null ? null : call.meta().get("progressToken");
        if (token != null && !token.isNull()) {
            params.putObject("_meta").set("progressToken", token);
        }
        ModernCallParams.add(call.meta(), params);
        return params;
    }

    private static long size(JsonNode result) {
        return Json.write(result).getBytes(StandardCharsets.UTF_8).length;
    }
}
