package dev.tollgate.transport;

import dev.tollgate.pipeline.AgentChannel;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import tools.jackson.databind.JsonNode;

/**
 * An HTTP session's SSE streams. Unsolicited messages go to the session's GET stream while one is open, else stay
 * in a bounded backlog delivered when the agent opens one (each message to one stream only, as the spec requires).
 * Streams answering POSTed requests are resumable too: once answered they are kept (the most
 * recent {@value #KEPT_POST_STREAMS} of them, for a minute) so a GET with {@code Last-Event-ID} can fetch the rest.
 */
final class HttpOutbox implements AgentChannel {
    /** Messages kept for the GET stream: the backlog while no GET is open, and the latest for resumption. */
    static final int GET_STREAM_EVENTS = 1_000;
    /** Messages kept per POST stream (progress and requests, then the answer). */
    static final int POST_STREAM_EVENTS = 256;

    /** Answered POST streams kept for an agent that lost its connection, and for how long. */
    static final int KEPT_POST_STREAMS = 8;

    static final long KEPT_POST_STREAM_NANOS = 60_000_000_000L;

    private final ResumableStream standalone = new ResumableStream("0", GET_STREAM_EVENTS);
    private final Map<String, ResumableStream> postStreams = new LinkedHashMap<>();
    private int streamCount;

    @Override
    public void send(JsonNode message) {
        standalone.send(message);
    }

    /** Makes a newly opened GET stream the session's stream, replacing (closing) an older one. */
    void attach(SseStream opened, boolean prime) {
        standalone.attach(opened, prime);
    }

    /**
     * A GET with {@code Last-Event-ID}: continues the stream that id belongs to after it. An id of a stream no
     * longer kept (or never issued) opens the session's GET stream as if the header were absent.
     */
    void resume(SseStream opened, String lastEventId, boolean prime) {
        long position = standalone.numberIn(lastEventId);
        if (position >= 0) {
            standalone.attach(opened, position, prime);
            return;
        }
        Optional<ResumableStream> post = postStream(lastEventId);
        if (post.isPresent()) {
            post.get().attach(opened, post.get().numberIn(lastEventId), prime);
            return;
        }
        standalone.attach(opened, prime);
    }

    /** A new stream for the answer to one POSTed request. */
    synchronized ResumableStream openPostStream() {
        ResumableStream stream = new ResumableStream(Integer.toString(++streamCount), POST_STREAM_EVENTS);
        postStreams.put(stream.key(), stream);
        return stream;
    }

    /**
     * The POST stream's request is answered. A successful write does not prove the agent read it (a closed
     * connection can swallow one more write), so finished streams stay resumable for
     * {@link #KEPT_POST_STREAM_NANOS} and at most {@value #KEPT_POST_STREAMS} of them.
     */
    synchronized void finished(ResumableStream stream) {
        stream.finish();
        long now = System.nanoTime();
        long kept = postStreams.values().stream()
                .filter(ResumableStream::isFinished)
                .count();
        for (Iterator<ResumableStream> oldest = postStreams.values().iterator(); oldest.hasNext(); ) {
            ResumableStream candidate = oldest.next();
            if (candidate.isFinished()
                    && (kept > KEPT_POST_STREAMS || now - candidate.finishedAt() > KEPT_POST_STREAM_NANOS)) {
                oldest.remove();
                kept--;
            }
        }
    }

    void detach(SseStream closed) {
        standalone.detach(closed);
        List<ResumableStream> posts;
        synchronized (this) {
            posts = List.copyOf(postStreams.values());
        }
        posts.forEach(stream -> stream.detach(closed));
    }

    void close() {
        standalone.close();
        List<ResumableStream> posts;
        synchronized (this) {
            posts = List.copyOf(postStreams.values());
            postStreams.clear();
        }
        posts.forEach(ResumableStream::close);
    }

    private synchronized Optional<ResumableStream> postStream(String eventId) {
        int dash = eventId.indexOf('-');
        return dash < 0 ? Optional.empty() : Optional.ofNullable(postStreams.get(eventId.substring(0, dash)));
    }
}
