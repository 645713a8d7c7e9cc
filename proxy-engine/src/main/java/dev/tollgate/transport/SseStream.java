package dev.tollgate.transport;

import dev.tollgate.json.Json;
import dev.tollgate.pipeline.AgentChannel;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.BufferUtil;
import org.eclipse.jetty.util.Callback;
import org.eclipse.jetty.util.FutureCallback;
import tools.jackson.databind.JsonNode;

/**
 * A server-sent-events response carrying JSON-RPC messages, one {@code message} event each (with an event id when
 * the stream is resumable, see {@link ResumableStream}). Writes are serialised and blocking; a failed write (the
 * agent went away) closes the stream quietly.
 */
final class SseStream implements AgentChannel {
    private static final long WRITE_TIMEOUT_SECONDS = 30;

    private final Response response;
    private final Callback completion;
    private boolean open = true;
    private long lastWriteNanos = System.nanoTime();

    private SseStream(Response response, Callback completion) {
        this.response = response;
        this.completion = completion;
    }

    /** Starts the stream: status 200, event-stream headers, committed at once so the agent sees it open. */
    static SseStream open(Response response, Callback completion, String sessionId) {
        response.setStatus(200);
        response.getHeaders().put(HttpHeader.CONTENT_TYPE, MediaTypes.EVENT_STREAM);
        response.getHeaders().put(HttpHeader.CACHE_CONTROL, "no-cache, no-store");
        if (sessionId != null) {
            response.getHeaders().put(HttpReplies.SESSION_HEADER, sessionId);
        }
        SseStream stream = new SseStream(response, completion);
        synchronized (stream) {
            stream.write(BufferUtil.EMPTY_BUFFER);
        }
        return stream;
    }

    @Override
    public synchronized void send(JsonNode message) {
        write("event: message\ndata: " + Json.write(message) + "\n\n");
    }

    /** A message event with its id, so the agent can name it in {@code Last-Event-ID}. */
    synchronized void send(String eventId, JsonNode message) {
        write("id: " + eventId + "\nevent: message\ndata: " + Json.write(message) + "\n\n");
    }

    /**
     * The 2025-11-25 priming event: an id and empty data, so an agent whose connection drops before anything else
     * can still resume, and how many milliseconds it should wait before it does.
     */
    synchronized void prime(String eventId, long retryMillis) {
        write("id: " + eventId + "\nretry: " + retryMillis + "\ndata: \n\n");
    }

    /** An SSE comment, so idle connections are not timed out by proxies or the server. */
    synchronized void keepAlive(long idleNanos) {
        if (open && System.nanoTime() - lastWriteNanos >= idleNanos) {
            write(": keep-alive\n\n");
        }
    }

    synchronized boolean isOpen() {
        return open;
    }

    /** Ends the stream normally. */
    synchronized void close() {
        if (!open) {
            return;
        }
        open = false;
        response.write(true, BufferUtil.EMPTY_BUFFER, completion);
    }

    /** The agent disconnected: stop writing and release the exchange. */
    synchronized void abort(Throwable cause) {
        if (open) {
            open = false;
            completion.failed(cause);
        }
    }

    private void write(String text) {
        write(ByteBuffer.wrap(text.getBytes(StandardCharsets.UTF_8)));
    }

    private void write(ByteBuffer buffer) {
        if (!open) {
            return;
        }
        FutureCallback done = new FutureCallback();
        response.write(false, buffer, done);
        try {
            done.get(WRITE_TIMEOUT_SECONDS, TimeUnit.SECONDS);
            lastWriteNanos = System.nanoTime();
        } catch (ExecutionException | TimeoutException e) {
            abort(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            abort(e);
        }
    }
}
