package dev.tollgate.events;

import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Publishes engine events to subscribers on one background thread. Publishing never blocks the
 * proxy path: when subscribers fall behind by a full queue, events are dropped and counted.
 */
public final class EventBus implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(EventBus.class);

    private final BlockingQueue<EngineEvent> queue;
    private final List<Consumer<EngineEvent>> subscribers = new CopyOnWriteArrayList<>();
    private final AtomicLong dropped = new AtomicLong();
    private final Thread dispatcher;
    private volatile boolean running = true;

    public EventBus() {
        this(65_536);
    }

    public EventBus(int capacity) {
        this.queue = new ArrayBlockingQueue<>(capacity);
        this.dispatcher = new Thread(this::dispatch, "tollgate-events");
        this.dispatcher.setDaemon(true);
        this.dispatcher.start();
    }

    public void publish(EngineEvent event) {
        if (!queue.offer(event)) {
            dropped.incrementAndGet();
        }
    }

    /** Subscribes; the returned handle unsubscribes. Subscribers run on the event thread and must not block. */
    public AutoCloseable subscribe(Consumer<EngineEvent> subscriber) {
        subscribers.add(subscriber);
        return () -> subscribers.remove(subscriber);
    }

    public long droppedEvents() {
        return dropped.get();
    }

    private void dispatch() {
        while (running || !queue.isEmpty()) {
            EngineEvent event;
            try {
                event = queue.poll(100, TimeUnit.MILLISECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
            if (event == null) {
                continue;
            }
            for (Consumer<EngineEvent> subscriber : subscribers) {
                try {
                    subscriber.accept(event);
                } catch (RuntimeException e) {
                    LOG.warn("event subscriber failed on {}", event.getClass().getSimpleName(), e);
                }
            }
        }
    }

    @Override
    public void close() {
        running = false;
        try {
            dispatcher.join(2_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
