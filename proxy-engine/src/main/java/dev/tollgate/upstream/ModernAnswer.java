package dev.tollgate.upstream;

import dev.tollgate.json.Json;
import java.io.IOException;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicBoolean;
import okhttp3.Call;
import okhttp3.Response;
import okhttp3.sse.EventSource;
import okhttp3.sse.EventSourceListener;
import okhttp3.sse.EventSources;
import tools.jackson.databind.JsonNode;

/**
 * Reads a 2026-07-28 upstream's answer to one POST: a JSON body, or an SSE stream whose messages before the
 * response go to the request's related channel. There is no session, so no stream is resumed.
 */
final class ModernAnswer {
    private ModernAnswer() {}

    static JsonNode read(
            String server,
            Response response,
            JsonRpcSession rpc,
            JsonRpcSession.Pending p,
            Call call,
            AtomicBoolean timedOut)
            throws IOException, UpstreamException {
        String type =
                Optional.ofNullable(response.header("Content-Type")).orElse("").toLowerCase(Locale.ROOT);
        if (type.startsWith("text/event-stream") && response.isSuccessful()) {
            EventSources.processResponse(response, new EventSourceListener() {
                @Override
                public void onEvent(EventSource source, String id, String event, String data) {
                    if (event != null && !"message".equals(event)) {
                        return;
                    }
                    parse(data).ifPresent(message -> rpc.dispatch(message, Optional.of(p.related())));
                    if (p.answer().isDone()) {
                        source.cancel();
                    }
                }
            });
            if (call.isCanceled() && !p.answer().isDone()) {
                throw new IOException(timedOut.get() ? "timed out" : "cancelled");
            }
        } else {
            String text = response.body().string();
            Optional<JsonNode> message = parse(text).filter(m -> m.has("result") || m.has("error"));
            if (message.isEmpty()) {
                throw new UpstreamException(
                        "upstream '" + server + "' answered " + p.method() + " with HTTP " + response.code()
                                + " and no JSON-RPC response",
                        false,
                        null);
            }
            rpc.dispatch(message.get(), Optional.of(p.related()));
        }
        return p.outcome(server);
    }

    /** The JSON message in a text, empty when it is not one. */
    static Optional<JsonNode> parse(String text) {
        try {
            JsonNode node = Json.parse(text);
            return node == null || node.isMissingNode() ? Optional.empty() : Optional.of(node);
        } catch (RuntimeException e) {
            return Optional.empty();
        }
    }
}
