package dev.tollgate.upstream;

import dev.tollgate.json.Json;
import dev.tollgate.logging.RateLimitedWarnings;
import java.io.IOException;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.CompletionException;
import java.util.concurrent.atomic.AtomicBoolean;
import okhttp3.Call;
import okhttp3.Response;
import okhttp3.ResponseBody;
import okhttp3.sse.EventSource;
import okhttp3.sse.EventSourceListener;
import okhttp3.sse.EventSources;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import tools.jackson.databind.JsonNode;

/**
 * Reads the answer to one POSTed request: a JSON body (one message or a batch) or an SSE stream whose messages
 * before the response go to the request's related channel. Events without data (the 2025-11-25 priming event,
 * retry hints) are legal and skipped without a word; other oddities are warned about at most once a minute.
 */
final class HttpAnswer {
    private static final Logger LOG = LoggerFactory.getLogger(HttpAnswer.class);
    private static final RateLimitedWarnings WARNINGS = new RateLimitedWarnings(LOG);

    private HttpAnswer() {}

    static JsonNode read(
            String server,
            Response response,
            JsonRpcSession rpc,
            JsonRpcSession.Pending p,
            Call call,
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
            EventSources.processResponse(response, new EventSourceListener() {
                @Override
                public void onEvent(EventSource source, String id, String event, String data) {
                    if (event != null && !"message".equals(event) || data.isBlank()) {
                        return;
                    }
                    Optional<JsonNode> message = parseQuietly(data);
                    if (message.isEmpty()) {
                        WARNINGS.warn(
                                "sse-not-json " + server,
                                "upstream '{}' sent an SSE event that is not JSON; " + "ignoring it",
                                server);
                        return;
                    }
                    rpc.dispatch(message.get(), Optional.of(p.related()));
                    if (p.answer().isDone()) {
                        source.cancel();
                    }
                }
            });
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
        if (call.isCanceled()) {
            throw new IOException(timedOut.get() ? "timed out" : "cancelled");
        }
        if (!p.answer().isDone()) {
            throw new UpstreamException(
                    "upstream '" + server + "' ended its answer to " + p.method() + " without a JSON-RPC response",
                    false,
                    null);
        }
        try {
            return p.answer().join();
        } catch (CompletionException e) {
            throw new UpstreamException(
                    "upstream '" + server + "' failed: " + e.getCause().getMessage(), false, e);
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
}
