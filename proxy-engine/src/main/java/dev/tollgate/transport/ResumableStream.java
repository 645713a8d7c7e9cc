package dev.tollgate.transport;

import dev.tollgate.pipeline.AgentChannel;
import java.util.ArrayDeque;
import java.util.Deque;
import tools.jackson.databind.JsonNode;

/**
 * One SSE stream of a 2025-era session as the agent may resume it: every message gets an event id
 * ({@code <stream>-<n>}), the last {@code limit} messages are kept, and a new connection (the first one, or a GET
 * with {@code Last-Event-ID} after the agent lost the previous one) gets what followed the id it names before
 * anything new. A finished stream (its request answered) closes each connection once it has caught up.
 */
final class ResumableStream implements AgentChannel {
    /** How long agents wait before reconnecting to a stream that closed before its answer, in the priming event. */
    static final long RETRY_MILLIS = 1_000;

    /** The revision that introduced priming events; earlier clients may not expect an event without data. */
    private static final String PRIMING_SINCE = "2025-11-25";

    private final String key;
    private final int limit;
    private final Deque<Event> kept = new ArrayDeque<>();
    private long last;
    private long delivered;
    private SseStream connection;
    private boolean finished;
    private long finishedAt;

    private record Event(long number, JsonNode message) {}

    ResumableStream(String key, int limit) {
        this.key = key;
        this.limit = limit;
    }

    /** Whether streams of a session in force at {@code protocolVersion} start with a priming event. */
    static boolean primes(String protocolVersion) {
        return protocolVersion.compareTo(PRIMING_SINCE) >= 0;
    }

    String key() {
        return key;
    }

    @Override
    public synchronized void send(JsonNode message) {
        Event event = new Event(++last, message);
        kept.addLast(event);
        if (kept.size() > limit) {
            kept.removeFirst();
        }
        write(event);
    }

    /**
     * Makes {@code opened} the stream's connection (closing an older one): with {@code prime}, first an event
     * carrying only the current id and the retry delay (2025-11-25 clients resume from it), then every kept
     * message after {@code after}.
     */
    synchronized void attach(SseStream opened, long after, boolean prime) {
        if (connection != null && connection != opened) {
            connection.close();
        }
        connection = opened;
        long from = Math.min(after, last);
        if (prime) {
            opened.prime(id(from), RETRY_MILLIS);
        }
        for (Event event : kept) {
            if (event.number() > from) {
                write(event);
            }
        }
        if (finished) {
            opened.close();
            connection = null;
        }
    }

    /** Attaches a connection that continues from the last message the agent surely got. */
    synchronized void attach(SseStream opened, boolean prime) {
        attach(opened, delivered, prime);
    }

    synchronized void detach(SseStream closed) {
        if (connection == closed) {
            connection = null;
        }
    }

    /** The stream's request is answered: close the connection; a resumption still gets the kept messages. */
    synchronized void finish() {
        finished = true;
        finishedAt = System.nanoTime();
        if (connection != null) {
            connection.close();
            connection = null;
        }
    }

    synchronized boolean isFinished() {
        return finished;
    }

    /** When {@link #finish()} ran, in {@link System#nanoTime()} terms. */
    synchronized long finishedAt() {
        return finishedAt;
    }

    synchronized void close() {
        finish();
        kept.clear();
    }

    private String id(long number) {
        return key + "-" + number;
    }

    private void write(Event event) {
        if (connection == null || !connection.isOpen()) {
            return;
        }
        connection.send(id(event.number()), event.message());
        if (connection.isOpen()) {
            delivered = Math.max(delivered, event.number());
        }
    }

    /** The message number in an event id of this stream, or -1 when the id belongs to another stream. */
    long numberIn(String eventId) {
        String prefix = key + "-";
        if (!eventId.startsWith(prefix)) {
            return -1;
        }
        try {
            return Long.parseLong(eventId.substring(prefix.length()));
        } catch (NumberFormatException e) {
            return -1;
        }
    }
}
