package dev.tollgate.upstream;

import java.io.IOException;
import java.util.function.Function;
import okhttp3.Call;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.Response;

/**
 * The HTTP calls of one request's exchange: the POST, then any GET resuming its SSE answer after the upstream
 * closed it early. A deadline or the agent's cancellation cancels whichever is running, and every later one.
 */
final class ExchangeCalls {
    private final OkHttpClient client;
    private final Function<String, Request> resumeRequest;
    private Call current;
    private boolean cancelled;

    ExchangeCalls(OkHttpClient client, Call first, Function<String, Request> resumeRequest) {
        this.client = client;
        this.current = first;
        this.resumeRequest = resumeRequest;
    }

    synchronized void cancel() {
        cancelled = true;
        current.cancel();
    }

    synchronized boolean cancelled() {
        return cancelled || current.isCanceled();
    }

    /** A GET with {@code Last-Event-ID} for the rest of the answer. */
    Response resume(String lastEventId) throws IOException {
        Call next;
        synchronized (this) {
            if (cancelled) {
                throw new IOException("cancelled");
            }
            next = client.newCall(resumeRequest.apply(lastEventId));
            current = next;
        }
        return next.execute();
    }
}
