package dev.tollgate.upstream;

import dev.tollgate.gateway.ModernProtocol;
import dev.tollgate.json.Json;
import java.io.IOException;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import java.util.function.Function;
import okhttp3.Call;
import okhttp3.Callback;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.Response;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * The {@code subscriptions/listen} stream Tollgate holds open toward a 2026-07-28 upstream for the list changes it
 * announces, so the catalog is refetched as with a 2025 server's GET stream; reopened after a close with a
 * growing pause, given up when the upstream refuses it.
 */
final class ModernListenStream {
    private static final Logger LOG = LoggerFactory.getLogger(ModernListenStream.class);
    private static final Duration RETRY_MAX = Duration.ofSeconds(30);
    /** Capability name and listen filter of each list whose changes Tollgate follows. */
    private static final Map<String, String> LIST_FILTERS =
            Map.of("tools", "toolsListChanged", "prompts", "promptsListChanged", "resources", "resourcesListChanged");

    private final String server;
    private final OkHttpClient client;
    private final Function<JsonNode, Request.Builder> post;
    private final JsonNode capabilities;
    private final Consumer<JsonNode> dispatch;
    private final AtomicLong listens = new AtomicLong();
    private volatile Call listenCall;
    private volatile boolean closed;

    /**
     * @param post builds the POST of a message with the connection's credentials and version header
     * @param capabilities what the upstream's {@code server/discover} said it can do
     * @param dispatch receives each notification heard on the stream
     */
    ModernListenStream(
            String server,
            OkHttpClient client,
            Function<JsonNode, Request.Builder> post,
            JsonNode capabilities,
            Consumer<JsonNode> dispatch) {
        this.server = server;
        this.client = client;
        this.post = post;
        this.capabilities = capabilities;
        this.dispatch = dispatch;
    }

    /** Whether the upstream announces changes to any list Tollgate follows, so a stream is worth holding. */
    static boolean worthListening(JsonNode capabilities) {
        return LIST_FILTERS.keySet().stream()
                .anyMatch(kind -> capabilities.path(kind).path("listChanged").asBoolean(false));
    }

    void open(Duration retryDelay) {
        if (closed) {
            return;
        }
        ObjectNode params = ModernHttpUpstreamConnection.withEnvelope(Json.object());
        ObjectNode filter = params.putObject("notifications");
        LIST_FILTERS.forEach((kind, name) -> {
            if (capabilities.path(kind).path("listChanged").asBoolean(false)) {
                filter.put(name, true);
            }
        });
        ObjectNode message = Json.object();
        message.put("jsonrpc", "2.0");
        message.put("id", "tollgate-listen-" + listens.incrementAndGet());
        message.put("method", "subscriptions/listen");
        message.set("params", params);
        Call call = client.newCall(post.apply(message)
                .header(ModernProtocol.METHOD_HEADER, "subscriptions/listen")
                .build());
        listenCall = call;
        call.enqueue(new Callback() {
            @Override
            public void onFailure(Call failed, IOException e) {
                again(retryDelay);
            }

            @Override
            public void onResponse(Call answered, Response response) {
                try (response) {
                    if (response.code() / 100 == 4) {
                        LOG.debug("upstream '{}' refused subscriptions/listen (HTTP {})", server, response.code());
                        return;
                    }
                    String line;
                    while ((line = response.body().source().readUtf8Line()) != null) {
                        heard(line.strip());
                    }
                } catch (IOException e) {
                    LOG.debug("listen stream of upstream '{}' ended: {}", server, UpstreamHttpClients.describe(e));
                }
                again(retryDelay);
            }
        });
    }

    private void again(Duration retryDelay) {
        if (closed) {
            return;
        }
        Duration next = retryDelay.multipliedBy(2).compareTo(RETRY_MAX) > 0 ? RETRY_MAX : retryDelay.multipliedBy(2);
        Timers.SCHEDULER.schedule(() -> open(next), retryDelay.toMillis(), TimeUnit.MILLISECONDS);
    }

    /** One line of the listen stream, which may be SSE ({@code data: …}) or one JSON message per line. */
    private void heard(String line) {
        String payload = line.startsWith("data:") ? line.substring(5).strip() : line;
        if (!payload.startsWith("{")) {
            return;
        }
        ModernAnswer.parse(payload)
                .filter(m -> m.has("method") && !m.has("id"))
                .filter(m -> !m.path("method").asString("").equals("notifications/subscriptions/acknowledged"))
                .ifPresent(dispatch);
    }

    void close() {
        closed = true;
        Call listening = listenCall;
        if (listening != null) {
            listening.cancel();
        }
    }
}
