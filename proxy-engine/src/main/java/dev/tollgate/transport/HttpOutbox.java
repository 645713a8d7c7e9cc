package dev.tollgate.transport;

import dev.tollgate.pipeline.AgentChannel;
import java.util.ArrayDeque;
import java.util.Deque;
import tools.jackson.databind.JsonNode;

/**
 * Where an HTTP session's unsolicited messages go: the agent's GET stream while one is open, else a bounded
 * backlog delivered when the agent opens one. Each message goes to one stream only, as the spec requires.
 */
final class HttpOutbox implements AgentChannel {
    private static final int BACKLOG_LIMIT = 1_000;

    private final Deque<JsonNode> backlog = new ArrayDeque<>();
    private SseStream stream;

    @Override
    public synchronized void send(JsonNode message) {
        if (stream != null && stream.isOpen()) {
            stream.send(message);
            if (stream.isOpen()) {
                return;
            }
        }
        if (backlog.size() == BACKLOG_LIMIT) {
            backlog.removeFirst();
        }
        backlog.addLast(message);
    }

    /** Makes a newly opened GET stream the session's stream, replacing (closing) an older one. */
    synchronized void attach(SseStream opened) {
        if (stream != null && stream != opened) {
            stream.close();
        }
        stream = opened;
        while (!backlog.isEmpty() && opened.isOpen()) {
            opened.send(backlog.removeFirst());
        }
    }

    synchronized void detach(SseStream closed) {
        if (stream == closed) {
            stream = null;
        }
    }

    synchronized void close() {
        if (stream != null) {
            stream.close();
            stream = null;
        }
        backlog.clear();
    }
}
