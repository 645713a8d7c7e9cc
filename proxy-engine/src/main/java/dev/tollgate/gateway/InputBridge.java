package dev.tollgate.gateway;

import dev.tollgate.json.Json;
import dev.tollgate.pipeline.AgentChannel;
import dev.tollgate.pipeline.CallOutcome;
import dev.tollgate.pipeline.CancellationSignal;
import dev.tollgate.upstream.UpstreamConnection;
import dev.tollgate.upstream.UpstreamException;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Function;
import java.util.function.Supplier;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * Holds a 2026-07-28 agent's tool call across the rounds in which its upstream asks the client something
 * (elicitation, sampling, roots), so the call runs the governing chain once: all its rounds are one call for
 * policy, limits, the breaker and the audit record. The call runs on a thread of its own; each agent request ends
 * with an {@code input_required} result and the agent's retry continues the held call.
 *
 * <p>A 2025-era upstream asks with server-to-client requests, which the revision does not have: its upstream
 * request stays pending while the agent gets {@code inputRequests} keyed by Tollgate and an opaque
 * {@code requestState} of Tollgate's own, unguessable and bound to that agent and tool; the retry's
 * {@code inputResponses} answer the upstream's requests. A 2026-07-28 upstream's {@code input_required} result
 * reaches the agent as it is (its {@code requestState} byte for byte), and the retry that echoes that state for
 * the same agent and tool is the held call's next round.
 */
final class InputBridge {
    /** Prefix of the states Tollgate issues, so an unknown or expired one is told apart from an upstream's. */
    static final String STATE_PREFIX = "tollgate-input.";

    private static final SecureRandom RANDOM = new SecureRandom();
    private static final AtomicLong THREADS = new AtomicLong();
    private static final ExecutorService CALLS = Executors.newCachedThreadPool(task -> {
        Thread thread = new Thread(task, "tollgate-bridged-call-" + THREADS.incrementAndGet());
        thread.setDaemon(true);
        return thread;
    });

    /** What the call's thread reports to the agent's request waiting on it. */
    private sealed interface Event {
        record Asked(JsonNode request) implements Event {}

        record Done(JsonNode result) implements Event {}

        /** A 2026-07-28 upstream's own input_required result, passed to the agent as it is. */
        record Passed(JsonNode result) implements Event {}
    }

    /** Who may continue a passed-through round: the agent, the tool, and the upstream's state ("" for none). */
    private record PassKey(String agent, String tool, String state) {}

    /** One held call: its questions and final result arrive on a queue the agent's current request reads. */
    static final class Held {
        private final String agent;
        private final String tool;
        private final String server;
        private final CancellationSignal cancellation = new CancellationSignal();
        private final BlockingQueue<Event> events = new LinkedBlockingQueue<>();
        private final BlockingQueue<Optional<JsonNode>> retries = new LinkedBlockingQueue<>();
        private volatile AgentChannel sink;
        private volatile Map<String, JsonNode> awaiting = Map.of();
        private volatile Instant handedOut = Instant.EPOCH;
        private volatile boolean finished;

        private Held(String agent, String tool, String server, AgentChannel sink) {
            this.agent = agent;
            this.tool = tool;
            this.server = server;
            this.sink = sink;
        }

        /** Where notifications about the call go: the stream of the agent's current round. */
        AgentChannel sink() {
            return sink;
        }

        /** The signal the held call runs under; it fires when the agent cancels a round or never comes back. */
        CancellationSignal cancellation() {
            return cancellation;
        }

        /** The upstream asked the client something during the call. */
        void asked(JsonNode request) {
            events.add(new Event.Asked(request));
        }

        private void done(JsonNode result) {
            finished = true;
            events.add(new Event.Done(result));
        }

        /**
         * The upstream answered {@code input_required}: the agent gets it as it is, and the call's thread waits
         * here for the params of the agent's next round.
         */
        JsonNode nextRound(JsonNode inputRequired, Duration timeout) throws UpstreamException {
            CancellationSignal.Registration watch = cancellation.onCancel(reason -> retries.add(Optional.empty()));
            try {
                events.add(new Event.Passed(inputRequired));
                Optional<JsonNode> retry = retries.poll(timeout.toMillis(), TimeUnit.MILLISECONDS);
                if (retry == null) {
                    throw new UpstreamException(
                            "the agent did not send its next round within " + timeout.toMillis() + " ms", true, null);
                }
                return retry.orElseThrow(() -> new UpstreamException(
                        "the call ended while waiting for the agent's next round: "
                                + cancellation.reason().orElse("cancelled"),
                        false,
                        null));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new UpstreamException("interrupted while waiting for the agent's next round", false, e);
            } finally {
                watch.close();
            }
        }
    }

    private final Map<String, Held> states = new ConcurrentHashMap<>();
    private final Map<PassKey, Held> passed = new ConcurrentHashMap<>();
    private final Function<String, Optional<UpstreamConnection>> connections;
    private final Supplier<Duration> holdFor;

    /**
     * @param holdFor how long a state stays valid after Tollgate handed it out (the call timeout): a call whose
     *     agent does not come back within it is cancelled
     */
    InputBridge(Function<String, Optional<UpstreamConnection>> connections, Supplier<Duration> holdFor) {
        this.connections = connections;
        this.holdFor = holdFor;
    }

    /** The client capability an upstream's request to the client needs, empty for any other method. */
    static String capabilityFor(String method) {
        return switch (method) {
            case "roots/list" -> "roots";
            case "sampling/createMessage" -> "sampling";
            case "elicitation/create" -> "elicitation";
            default -> "";
        };
    }

    /** Whether the params carry a state this bridge issued (else any state belongs to the upstream). */
    static boolean isBridgeState(JsonNode params) {
        return params.path("requestState").asString("").startsWith(STATE_PREFIX);
    }

    /** A new held call for this agent's tool call; {@link #run} starts it. */
    Held hold(String agent, String tool, String server, AgentChannel sink) {
        return new Held(agent, tool, server, sink);
    }

    /**
     * Runs the call on a thread of its own and answers the agent's request with its result, or with
     * {@code input_required} when the upstream asks the client something first.
     */
    JsonNode run(Held held, Supplier<JsonNode> call, CancellationSignal request) {
        CALLS.execute(() -> {
            JsonNode result;
            try {
                result = call.get();
            } catch (RuntimeException e) {
                result = CallOutcome.errorResult(
                        "Tollgate could not complete the call to " + held.tool + ": internal error.");
            }
            held.done(result);
        });
        return next(held, request);
    }

    /**
     * A later round: answers the upstream's questions with the agent's {@code inputResponses} and waits for what
     * comes next. An unknown or expired state, or one issued to another agent or for another tool, is refused.
     */
    JsonNode resume(String agent, String tool, JsonNode params, AgentChannel sink, CancellationSignal request) {
        sweep(Instant.now());
        String state = params.path("requestState").asString("");
        Held held = states.get(state);
        if (held == null
                || held.finished
                || !held.agent.equals(agent)
                || !held.tool.equals(tool)
                || !states.remove(state, held)) {
            throw new InvalidParams("requestState is unknown or has expired: Tollgate keeps the state of an "
                    + "input_required result for the agent and tool it was given to, once, while the call waits "
                    + "(at most the call's timeout); call the tool again without it");
        }
        JsonNode responses = params.path("inputResponses");
        Optional<UpstreamConnection> connection = connections.apply(held.server);
        held.awaiting.forEach((key, asked) -> {
            JsonNode upstreamId = asked.get("id");
            JsonNode answer = responses.path(key);
            JsonNode message = answer.isObject()
                    ? JsonRpc.result(upstreamId, answer)
                    : JsonRpc.error(
                            upstreamId,
                            JsonRpc.INVALID_PARAMS,
                            "the agent's inputResponses carried no answer for " + key);
            connection.ifPresent(c -> c.respond(message));
        });
        held.awaiting = Map.of();
        held.sink = sink;
        return next(held, request);
    }

    /**
     * A retry that continues a call whose upstream's own {@code input_required} Tollgate passed to this agent for
     * this tool: its params go upstream as the held call's next round. Empty when no held call waits for it.
     */
    Optional<JsonNode> resumePassed(
            String agent, String tool, JsonNode params, AgentChannel sink, CancellationSignal request) {
        if (!params.has("inputResponses") && !params.has("requestState")) {
            return Optional.empty();
        }
        Held held = passed.remove(
                new PassKey(agent, tool, params.path("requestState").asString("")));
        if (held == null) {
            return Optional.empty();
        }
        held.sink = sink;
        held.retries.add(Optional.of(params));
        return Optional.of(next(held, request));
    }

    /** Waits for the held call's next event and turns it into the agent's answer. */
    private JsonNode next(Held held, CancellationSignal request) {
        CancellationSignal.Registration watch = request.onCancel(held.cancellation::cancel);
        try {
            Event event = take(held);
            if (event instanceof Event.Done done) {
                return done.result();
            }
            if (event instanceof Event.Passed pass) {
                Instant now = Instant.now();
                sweep(now);
                held.handedOut = now;
                passed.put(
                        new PassKey(
                                held.agent,
                                held.tool,
                                pass.result().path("requestState").asString("")),
                        held);
                return pass.result();
            }
            List<JsonNode> asked = new ArrayList<>();
            asked.add(((Event.Asked) event).request());
            while (held.events.peek() instanceof Event.Asked more) {
                held.events.remove();
                asked.add(more.request());
            }
            return inputRequired(held, asked);
        } finally {
            watch.close();
        }
    }

    /** The next event; the call's own links bound how long it takes (timeouts, approvals), as for any call. */
    private static Event take(Held held) {
        try {
            return held.events.take();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            held.cancellation.cancel("Tollgate is shutting down");
            return new Event.Done(CallOutcome.errorResult(
                    "Tollgate stopped waiting for upstream '" + held.server + "' to answer " + held.tool + "."));
        }
    }

    private JsonNode inputRequired(Held held, List<JsonNode> asked) {
        ObjectNode result = Json.object();
        result.put("resultType", "input_required");
        ObjectNode requests = result.putObject("inputRequests");
        Map<String, JsonNode> awaiting = new LinkedHashMap<>();
        for (JsonNode request : asked) {
            String key = "tollgate-" + (awaiting.size() + 1);
            ObjectNode entry = requests.putObject(key);
            entry.put("method", request.path("method").asString());
            if (request.path("params").isObject()) {
                entry.set("params", request.get("params"));
            }
            awaiting.put(key, request);
        }
        held.awaiting = awaiting;
        Instant now = Instant.now();
        sweep(now);
        held.handedOut = now;
        String state = newState();
        states.put(state, held);
        result.put("requestState", state);
        return result;
    }

    /** Forgets states handed out longer ago than the hold time, cancelling their calls. */
    private void sweep(Instant now) {
        Duration hold = holdFor.get();
        String why = "the agent did not come back with inputResponses within " + hold.toSeconds() + " s";
        states.forEach((state, held) -> {
            if (held.handedOut.plus(hold).isBefore(now) && states.remove(state, held)) {
                held.cancellation.cancel(why);
            }
        });
        passed.forEach((key, held) -> {
            if (held.handedOut.plus(hold).isBefore(now) && passed.remove(key, held)) {
                held.cancellation.cancel(why);
            }
        });
    }

    private static String newState() {
        byte[] bytes = new byte[32];
        RANDOM.nextBytes(bytes);
        return STATE_PREFIX + Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
    }
}
