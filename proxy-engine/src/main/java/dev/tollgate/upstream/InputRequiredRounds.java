package dev.tollgate.upstream;

import dev.tollgate.gateway.ModernProtocol;
import dev.tollgate.json.Json;
import dev.tollgate.pipeline.CancellationSignal;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * The rounds of a 2026-07-28 upstream's {@code input_required} results within one call. For a 2025-era agent,
 * which cannot read such a result, each of its {@code inputRequests} goes to the agent as the server-to-client
 * request it stands for ({@code elicitation/create}, {@code sampling/createMessage}, {@code roots/list}) on the
 * call's stream, and Tollgate calls the upstream again with the agent's answers as {@code inputResponses} and the
 * upstream's {@code requestState} byte for byte, until the result is complete; the agent's declared capabilities
 * travel upstream in the request's envelope, so the upstream asks only what the agent can answer. For a
 * 2026-07-28 agent whose call Tollgate holds, each result reaches the agent as it is and its next round goes
 * upstream within the same call.
 */
final class InputRequiredRounds {
    /** Prefix of the ids of the requests Tollgate sends the agent on the upstream's behalf. */
    static final String ID_PREFIX = "tollgate-input-";

    private static final Set<String> MULTI_ROUND = Set.of("tools/call", "prompts/get", "resources/read");
    private static final List<String> ASKABLE = List.of("elicitation", "sampling", "roots");
    private static final int MAX_ROUNDS = 16;
    private static final List<String> RETRY_FIELDS = List.of("inputResponses", "requestState");

    /** One request to the upstream, as {@link ModernHttpUpstreamConnection} sends it. */
    @FunctionalInterface
    interface Exchange {
        UpstreamResponse send(ObjectNode params) throws UpstreamException;
    }

    private final String server;
    private final Map<String, CompletableFuture<JsonNode>> asked = new ConcurrentHashMap<>();
    private final AtomicLong ids = new AtomicLong();

    InputRequiredRounds(String server) {
        this.server = server;
    }

    /** Whether the request is bridged: a method with multi-round results, for a 2025-era agent. */
    static boolean applies(String method, JsonNode params, RequestOptions options) {
        return MULTI_ROUND.contains(method)
                && !ModernProtocol.claimsEnvelope(params)
                && options.related() instanceof AgentSide;
    }

    /** Declares upstream what the agent can be asked, as its 2025 {@code initialize} declared it. */
    static void declare(ObjectNode sent, RequestOptions options) {
        JsonNode declared = ((AgentSide) options.related()).clientCapabilities();
        ObjectNode meta = (ObjectNode) sent.get("_meta");
        ObjectNode capabilities = meta.get(ModernProtocol.CLIENT_CAPABILITIES_KEY) instanceof ObjectNode c
                ? c
                : meta.putObject(ModernProtocol.CLIENT_CAPABILITIES_KEY);
        for (String name : ASKABLE) {
            if (declared.has(name)) {
                capabilities.set(name, declared.get(name));
            }
        }
    }

    /** Whether the response answers a request Tollgate sent the agent for this upstream (it is then delivered). */
    boolean answered(JsonNode response) {
        String id = response.path("id").asString("");
        CompletableFuture<JsonNode> waiting = id.startsWith(ID_PREFIX) ? asked.get(id) : null;
        return waiting != null && waiting.complete(response);
    }

    /** Runs the rounds the upstream asks for after its first answer, returning its complete answer. */
    UpstreamResponse run(ObjectNode sent, UpstreamResponse first, RequestOptions options, Exchange exchange)
            throws UpstreamException {
        UpstreamResponse response = first;
        for (int round = 1; isInputRequired(response); round++) {
            if (round > MAX_ROUNDS) {
                return error(-32603, "upstream '" + server + "' still required input after " + MAX_ROUNDS + " rounds");
            }
            JsonNode result = response.result().orElseThrow();
            ObjectNode answers = Json.object();
            for (Map.Entry<String, JsonNode> answer :
                    ask(result.path("inputRequests"), options).entrySet()) {
                if (answer.getValue().has("error")) {
                    JsonNode error = answer.getValue().get("error");
                    return error(
                            error.path("code").asInt(-32603),
                            "the agent answered the upstream's question with an error: "
                                    + error.path("message").asString("(no message)"));
                }
                answers.set(answer.getKey(), answer.getValue().path("result"));
            }
            ObjectNode next = sent.deepCopy();
            next.remove(RETRY_FIELDS);
            if (!answers.isEmpty()) {
                next.set("inputResponses", answers);
            }
            if (result.path("requestState").isString()) {
                next.set("requestState", result.get("requestState"));
            }
            response = exchange.send(next);
        }
        return response;
    }

    /**
     * A held 2026-07-28 agent's call: each {@code input_required} result reaches the agent as it is, and the agent's
     * next round ({@code inputResponses}, the {@code requestState} it echoed) goes upstream within this one call.
     */
    static UpstreamResponse passThrough(
            ObjectNode sent, UpstreamResponse first, AgentSide agent, RequestOptions options, Exchange exchange)
            throws UpstreamException {
        UpstreamResponse response = first;
        while (isInputRequired(response)) {
            JsonNode retry = agent.nextRound(response.result().orElseThrow(), options.timeout());
            ObjectNode next = sent.deepCopy();
            next.remove(RETRY_FIELDS);
            for (String field : RETRY_FIELDS) {
                if (retry.has(field)) {
                    next.set(field, retry.get(field));
                }
            }
            response = exchange.send(next);
        }
        return response;
    }

    private static boolean isInputRequired(UpstreamResponse response) {
        return response.result()
                .map(r -> "input_required".equals(r.path("resultType").asString("")))
                .orElse(false);
    }

    /** Sends the agent each question and waits for all answers (the agent's JSON-RPC responses, by key). */
    private Map<String, JsonNode> ask(JsonNode inputRequests, RequestOptions options) throws UpstreamException {
        Map<String, CompletableFuture<JsonNode>> pending = new LinkedHashMap<>();
        List<String> sentIds = new ArrayList<>();
        CancellationSignal cancellation = options.cancellation();
        CancellationSignal.Registration watch = cancellation.onCancel(reason -> pending.values()
                .forEach(f -> f.completeExceptionally(new UpstreamException(
                        "the agent cancelled the call while " + server + " waited for its answer: " + reason,
                        false,
                        null))));
        try {
            for (Map.Entry<String, JsonNode> entry : inputRequests.properties()) {
                String id = ID_PREFIX + ids.incrementAndGet();
                CompletableFuture<JsonNode> answer = new CompletableFuture<>();
                asked.put(id, answer);
                sentIds.add(id);
                pending.put(entry.getKey(), answer);
                ObjectNode request = Json.object();
                request.put("jsonrpc", "2.0");
                request.put("id", id);
                request.put("method", entry.getValue().path("method").asString(""));
                if (entry.getValue().path("params").isObject()) {
                    request.set("params", entry.getValue().get("params"));
                }
                options.related().send(request);
            }
            Map<String, JsonNode> answers = new LinkedHashMap<>();
            long deadline = System.nanoTime() + options.timeout().toNanos();
            for (Map.Entry<String, CompletableFuture<JsonNode>> entry : pending.entrySet()) {
                answers.put(entry.getKey(), await(entry.getValue(), deadline, options.timeout()));
            }
            return answers;
        } finally {
            watch.close();
            sentIds.forEach(asked::remove);
        }
    }

    private JsonNode await(CompletableFuture<JsonNode> answer, long deadline, Duration timeout)
            throws UpstreamException {
        try {
            return answer.get(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
        } catch (TimeoutException e) {
            throw new UpstreamException(
                    "the agent did not answer upstream '" + server + "''s question within " + timeout.toMillis()
                            + " ms",
                    true,
                    null);
        } catch (ExecutionException e) {
            throw e.getCause() instanceof UpstreamException u
                    ? u
                    : new UpstreamException(String.valueOf(e.getCause().getMessage()), false, e.getCause());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new UpstreamException("interrupted while waiting for the agent's answer", false, e);
        }
    }

    private static UpstreamResponse error(int code, String message) {
        ObjectNode error = Json.object();
        error.put("code", code);
        error.put("message", message);
        return UpstreamResponse.ofError(error);
    }
}
