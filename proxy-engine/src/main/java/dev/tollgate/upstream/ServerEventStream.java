package dev.tollgate.upstream;

import dev.tollgate.logging.RateLimitedWarnings;
import java.io.IOException;
import java.time.Duration;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import java.util.function.Supplier;
import okhttp3.Call;
import okhttp3.Callback;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.Response;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import tools.jackson.databind.JsonNode;

/**
 * The GET stream of a Streamable HTTP session: messages the upstream sends on its own. It is opened again when it
 * ends or breaks, after the server's {@code retry} delay when it gave one, else with growing delays, and with
 * {@code Last-Event-ID} once an event had an id, so a server that keeps its events replays what was sent while it
 * was closed. A 4xx means the upstream offers none (tried once more without the id, should that be what it
 * refused). {@link #close()} ends this stream and every retry it scheduled, so a re-initialized session never
 * ends up with two.
 */
final class ServerEventStream {
    private static final Logger LOG = LoggerFactory.getLogger(ServerEventStream.class);
    private static final RateLimitedWarnings WARNINGS = new RateLimitedWarnings(LOG);
    private static final Duration FIRST_RETRY = Duration.ofSeconds(1);
    private static final Duration MAX_RETRY = Duration.ofSeconds(30);

    private final String server;
    private final OkHttpClient client;
    private final Supplier<Request> request;
    private final Consumer<JsonNode> dispatch;
    private final AtomicInteger epoch = new AtomicInteger();
    private volatile Call current;
    private volatile boolean closed;

    ServerEventStream(String server, OkHttpClient client, Supplier<Request> request, Consumer<JsonNode> dispatch) {
        this.server = server;
        this.client = client;
        this.request = request;
        this.dispatch = dispatch;
    }

    /** Opens the stream of a new session (no event id carried over from an older one). */
    void open() {
        open(epoch.get(), FIRST_RETRY, new SseReader());
    }

    private void open(int expected, Duration retryDelay, SseReader position) {
        if (closed || epoch.get() != expected) {
            return;
        }
        Request.Builder builder = request.get().newBuilder();
        Optional<String> lastEventId = position.lastEventId();
        lastEventId.ifPresent(id -> builder.header("Last-Event-ID", id));
        Call call = client.newCall(builder.build());
        current = call;
        call.enqueue(new Callback() {
            @Override
            public void onFailure(Call call, IOException e) {
                retry(expected, retryDelay, position);
            }

            @Override
            public void onResponse(Call call, Response response) {
                try (response) {
                    if (response.code() / 100 == 4) {
                        if (lastEventId.isPresent()) {
                            LOG.debug(
                                    "upstream '{}' refused to resume its GET stream (HTTP {})",
                                    server,
                                    response.code());
                            retry(expected, retryDelay, new SseReader());
                        } else {
                            LOG.debug("upstream '{}' offers no GET stream (HTTP {})", server, response.code());
                        }
                        return;
                    }
                    String type = Optional.ofNullable(response.header("Content-Type"))
                            .orElse("")
                            .toLowerCase(Locale.ROOT);
                    if (response.isSuccessful() && type.startsWith("text/event-stream")) {
                        position.read(response.body().source(), (event, data) -> {
                            deliver(event, data);
                            return !closed && epoch.get() == expected;
                        });
                    }
                } catch (IOException e) {
                    LOG.debug("GET stream of upstream '{}' broke: {}", server, UpstreamHttpClients.describe(e));
                }
                retry(expected, retryDelay, position);
            }
        });
    }

    private void deliver(String event, String data) {
        if (!"message".equals(event) || data.isBlank()) {
            return;
        }
        HttpAnswer.parseQuietly(data)
                .ifPresentOrElse(
                        dispatch,
                        () -> WARNINGS.warn(
                                "stream-not-json " + server,
                                "upstream '{}' sent an event on its GET stream that is not JSON; ignoring it",
                                server));
    }

    /** Opens the stream again after the server's retry delay, or the current one (which then doubles). */
    private void retry(int expected, Duration retryDelay, SseReader position) {
        if (closed || epoch.get() != expected) {
            return;
        }
        Duration doubled = retryDelay.multipliedBy(2);
        Duration next = doubled.compareTo(MAX_RETRY) > 0 ? MAX_RETRY : doubled;
        long wait = Math.min(position.retryMillis().orElse(retryDelay.toMillis()), MAX_RETRY.toMillis());
        Timers.SCHEDULER.schedule(() -> open(expected, next, position), wait, TimeUnit.MILLISECONDS);
    }

    /** Ends the stream; a later {@link #open()} starts a new one. */
    void cancel() {
        epoch.incrementAndGet();
        Call stream = current;
        if (stream != null) {
            stream.cancel();
        }
    }

    /** Ends the stream for good. */
    void close() {
        closed = true;
        cancel();
    }
}
