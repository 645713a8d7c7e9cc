package dev.tollgate.upstream;

import dev.tollgate.json.Json;
import dev.tollgate.logging.RateLimitedWarnings;
import java.io.IOException;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import okhttp3.Response;
import okhttp3.ResponseBody;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import tools.jackson.databind.JsonNode;

/**
 * Reads the answer to one POSTed request: a JSON body (one message or a batch) or an SSE stream whose messages
 * before the response go to the request's related channel, resumed when the server closes it early. Events
 * without data (the 2025-11-25 priming event, retry hints) are legal and skipped without a word; other oddities
 * are warned about at most once a minute.
 */
final class HttpAnswer {
    private static final Logger LOG = LoggerFactory.getLogger(HttpAnswer.class);
    private static final RateLimitedWarnings WARNINGS = new RateLimitedWarnings(LOG);
    /** The wait before resuming when the server named none (the spec leaves it to the client). */
    static final long DEFAULT_RETRY_MILLIS = 1_000;
    /** A longer {@code retry} is cut to this, so a server cannot park a call beyond reason. */
    static final long MAX_RETRY_MILLIS = 30_000;
    /** Resumptions in a row that brought no message before Tollgate stops trying. */
    static final int MAX_BARREN_RESUMPTIONS = 5;

    private HttpAnswer() {}

    static JsonNode read(
            String server,
            Response response,
            JsonRpcSession rpc,
            JsonRpcSession.Pending p,
            ExchangeCalls calls,
            AtomicBoolean timedOut)
            throws IOException, UpstreamException {
        ResponseBody body = response.body();
        String type =
                Optional.ofNullable(response.header("Content-Type")).orElse("").toLowerCase(Locale.ROOT);
        if (!response.isSuccessful()) {
            String text = body.string();
            Optional<JsonNode> rpcError = parseQuietly(text).filter(m -> m.has("error"));
            if (rpcError.isPresent()) {
                return rpcError.get();
            }
            throw new UpstreamException(
                    "upstream '" + server + "' answered " + p.method() + " with HTTP " + response.code()
                            + (text.isBlank() ? "" : ": " + abbreviate(text)),
                    false,
                    null);
        }
        if (type.startsWith("text/event-stream")) {
            readStream(server, response, rpc, p, calls);
        } else if (type.startsWith("application/json")) {
            String text = body.string();
            JsonNode parsed = parseQuietly(text)
                    .orElseThrow(() -> new UpstreamException(
                            "upstream '" + server + "' answered " + p.method() + " with something that is not JSON: "
                                    + abbreviate(text),
                            false,
                            null));
            if (parsed.isArray()) {
                for (JsonNode m : parsed) {
                    rpc.dispatch(m, Optional.of(p.related()));
                }
            } else {
                rpc.dispatch(parsed, Optional.of(p.related()));
            }
        } else {
            throw new UpstreamException(
                    "upstream '" + server + "' answered " + p.method() + " with HTTP " + response.code()
                            + " and content type '" + type + "', not JSON or an event stream",
                    false,
                    null);
        }
        if (calls.cancelled()) {
            throw new IOException(timedOut.get() ? "timed out" : "cancelled");
        }
        return p.outcome(server);
    }

    /**
     * An SSE answer: every message goes to the request; when the stream ends before the response after an event
     * with an id, the answer is resumed with a GET and {@code Last-Event-ID}, after the server's {@code retry}
     * delay (at most {@link #MAX_RETRY_MILLIS}), until the response comes, the deadline cancels the exchange, or
     * {@link #MAX_BARREN_RESUMPTIONS} resumptions in a row bring nothing.
     */
    private static void readStream(
            String server, Response response, JsonRpcSession rpc, JsonRpcSession.Pending p, ExchangeCalls calls)
            throws IOException, UpstreamException {
        SseReader reader = new SseReader();
        AtomicInteger messages = new AtomicInteger();
        SseReader.Listener dispatch = (event, data) -> {
            if (!"message".equals(event) || data.isBlank()) {
                return true;
            }
            Optional<JsonNode> message = parseQuietly(data);
            if (message.isEmpty()) {
                WARNINGS.warn(
                        "sse-not-json " + server,
                        "upstream '{}' sent an SSE event that is not JSON; ignoring it",
                        server);
                return true;
            }
            messages.incrementAndGet();
            rpc.dispatch(message.get(), Optional.of(p.related()));
            return !p.answer().isDone();
        };
        boolean ended = reader.read(response.body().source(), dispatch);
        int barren = 0;
        while (ended
                && !p.answer().isDone()
                && reader.lastEventId().isPresent()
                && barren < MAX_BARREN_RESUMPTIONS
                && !calls.cancelled()) {
            pause(reader.retryMillis().orElse(DEFAULT_RETRY_MILLIS), calls);
            int before = messages.get();
            try (Response resumed = calls.resume(reader.lastEventId().get())) {
                String resumedType = Optional.ofNullable(resumed.header("Content-Type"))
                        .orElse("")
                        .toLowerCase(Locale.ROOT);
                if (!resumed.isSuccessful() || !resumedType.startsWith("text/event-stream")) {
                    throw new UpstreamException(
                            "upstream '" + server + "' closed its answer to " + p.method()
                                    + " before the response and refused to resume it (GET with Last-Event-ID "
                                    + reader.lastEventId().get() + ": HTTP " + resumed.code() + ")",
                            false,
                            null);
                }
                LOG.debug("upstream '{}' resumed its answer to {} after a closed stream", server, p.method());
                ended = reader.read(resumed.body().source(), dispatch);
            }
            barren = messages.get() == before ? barren + 1 : 0;
        }
    }

    /** Waits as the server asked before resuming, giving up as soon as the exchange is cancelled. */
    private static void pause(long millis, ExchangeCalls calls) throws IOException {
        long until = System.nanoTime() + Math.min(millis, MAX_RETRY_MILLIS) * 1_000_000L;
        try {
            while (!calls.cancelled() && System.nanoTime() < until) {
                Thread.sleep(Math.max(1, Math.min(100, (until - System.nanoTime()) / 1_000_000L)));
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while waiting to resume the upstream's stream", e);
        }
        if (calls.cancelled()) {
            throw new IOException("cancelled");
        }
    }

    static Optional<JsonNode> parseQuietly(String text) {
        try {
            JsonNode node = Json.parse(text);
            return node == null || node.isMissingNode() ? Optional.empty() : Optional.of(node);
        } catch (RuntimeException e) {
            return Optional.empty();
        }
    }

    private static String abbreviate(String text) {
        String oneLine = text.strip().replaceAll("\\s+", " ");
        return oneLine.length() <= 200 ? oneLine : oneLine.substring(0, 200) + "...";
    }

    /**
     * Whether the upstream no longer knows the session we sent: the spec says 404, but the TypeScript SDK (and so
     * server-everything) answers 400 "No valid session ID provided" once a restart has dropped its sessions.
     */
    static boolean forgotSession(Response response) throws IOException {
        if (response.code() == 404) {
            return true;
        }
        return response.code() == 400
                && response.peekBody(4096).string().toLowerCase(Locale.ROOT).contains("session");
    }
}
