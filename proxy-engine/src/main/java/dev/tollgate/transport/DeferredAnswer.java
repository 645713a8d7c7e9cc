package dev.tollgate.transport;

import dev.tollgate.pipeline.AgentChannel;
import java.util.Optional;
import java.util.Set;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;
import tools.jackson.databind.JsonNode;

/**
 * The answer to one POSTed 2025-era request that may come with related messages. An answer that comes first and
 * soon goes out as plain JSON, one write; the response becomes a resumable SSE stream (primed for 2025-11-25
 * sessions) only once something else must be said first (progress, a question to the agent) or the request has run
 * for {@link #STREAM_AFTER_NANOS}, so an agent whose connection drops during a long call still has an event id to
 * resume from.
 */
final class DeferredAnswer implements AgentChannel {
    /** How long a request may run before its response is committed as a stream. */
    static final long STREAM_AFTER_NANOS = 200_000_000L;

    private enum State {
        WAITING,
        STREAMING,
        ANSWERED,
        GONE
    }

    private final Response response;
    private final Callback callback;
    private final String sessionId;
    private final HttpOutbox outbox;
    private final boolean prime;
    private final Set<SseStream> openStreams;
    private final long startedAt = System.nanoTime();
    private State state = State.WAITING;
    private SseStream connection;
    private ResumableStream stream;

    DeferredAnswer(
            Request request,
            Response response,
            Callback callback,
            String sessionId,
            HttpOutbox outbox,
            boolean prime,
            Set<SseStream> openStreams) {
        this.openStreams = openStreams;
        this.response = response;
        this.callback = callback;
        this.sessionId = sessionId;
        this.outbox = outbox;
        this.prime = prime;
        request.addFailureListener(this::lost);
    }

    /** A related message: it must reach the agent before the answer, so the response becomes a stream now. */
    @Override
    public synchronized void send(JsonNode message) {
        streaming();
        if (stream != null) {
            stream.send(message);
        }
    }

    /** Commits the response as a stream if the request has been running for a while and said nothing yet. */
    synchronized void streamIfSlow(long now) {
        if (state == State.WAITING && now - startedAt >= STREAM_AFTER_NANOS) {
            streaming();
        }
    }

    /** The request's answer (none when it was cancelled): JSON if nothing came before it. */
    synchronized void answer(Optional<JsonNode> answer) {
        switch (state) {
            case WAITING -> {
                if (answer.isPresent()) {
                    state = State.ANSWERED;
                    HttpReplies.reply(response, callback, 200, answer.get());
                } else {
                    // A request left unanswered (cancelled) still gets a response: a stream that ends empty.
                    streaming();
                    state = State.ANSWERED;
                    outbox.finished(stream);
                }
            }
            case STREAMING -> {
                state = State.ANSWERED;
                answer.ifPresent(stream::send);
                outbox.finished(stream);
            }
            case GONE -> {
                if (stream != null) {
                    answer.ifPresent(stream::send);
                    outbox.finished(stream);
                }
            }
            case ANSWERED -> throw new IllegalStateException("answered twice");
        }
    }

    /** Stops keeping the stream's connection alive once the request is done with it. */
    synchronized void done() {
        if (connection != null) {
            openStreams.remove(connection);
        }
    }

    private void streaming() {
        if (state != State.WAITING) {
            return;
        }
        state = State.STREAMING;
        connection = SseStream.open(response, callback, sessionId);
        openStreams.add(connection);
        stream = outbox.openPostStream();
        stream.attach(connection, 0, prime);
    }

    /**
     * The agent's connection failed. A stream keeps collecting what follows, for a resumption with
     * {@code Last-Event-ID}; a response not yet streamed gave the agent no id to resume from, so nothing is kept.
     */
    private synchronized void lost(Throwable cause) {
        if (connection != null) {
            connection.abort(cause);
            stream.detach(connection);
        }
        if (state == State.WAITING) {
            callback.failed(cause);
        }
        if (state == State.WAITING || state == State.STREAMING) {
            state = State.GONE;
        }
    }
}
