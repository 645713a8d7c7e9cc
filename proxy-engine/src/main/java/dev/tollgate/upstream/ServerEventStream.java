package dev.tollgate.upstream;

import dev.tollgate.logging.RateLimitedWarnings;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import java.util.function.Supplier;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.Response;
import okhttp3.sse.EventSource;
import okhttp3.sse.EventSourceListener;
import okhttp3.sse.EventSources;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import tools.jackson.databind.JsonNode;

/**
 * The GET stream of a Streamable HTTP session: messages the upstream sends on its own. It is opened again with
 * growing delays when it ends or breaks; a 4xx means the upstream offers none. {@link #close()} ends this stream
 * and every retry it scheduled, so a re-initialized session never ends up with two.
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
    private volatile EventSource current;
    private volatile boolean closed;

    ServerEventStream(String server, OkHttpClient client, Supplier<Request> request, Consumer<JsonNode> dispatch) {
        this.server = server;
        this.client = client;
        this.request = request;
        this.dispatch = dispatch;
    }

    void open() {
        open(epoch.get(), FIRST_RETRY);
    }

    private void open(int expected, Duration retryDelay) {
        if (closed || epoch.get() != expected) {
            return;
        }
        current = EventSources.createFactory(client).newEventSource(request.get(), new EventSourceListener() {
            @Override
            public void onEvent(EventSource source, String id, String event, String data) {
                if (data.isBlank()) {
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

            @Override
            public void onClosed(EventSource source) {
                retry();
            }

            @Override
            public void onFailure(EventSource source, Throwable t, Response response) {
                if (response != null && response.code() / 100 == 4) {
                    LOG.debug("upstream '{}' offers no GET stream (HTTP {})", server, response.code());
                    return;
                }
                retry();
            }

            private void retry() {
                Duration doubled = retryDelay.multipliedBy(2);
                Duration next = doubled.compareTo(MAX_RETRY) > 0 ? MAX_RETRY : doubled;
                Timers.SCHEDULER.schedule(() -> open(expected, next), retryDelay.toMillis(), TimeUnit.MILLISECONDS);
            }
        });
    }

    /** Ends the stream; a later {@link #open()} starts a new one. */
    void cancel() {
        epoch.incrementAndGet();
        EventSource stream = current;
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
