package dev.tollgate.ui.fx;

import dev.tollgate.events.EngineEvent;
import dev.tollgate.events.EventBus;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import javafx.application.Platform;

/**
 * The one place engine events cross onto the FX thread. Events from the bus thread go into a queue;
 * every {@link #PERIOD_MS} ms one {@code Platform.runLater} hands the whole batch to the view-models,
 * so a thousand calls per second cost ten FX runnables per second, not a thousand.
 */
public final class FxEventDispatcher implements AutoCloseable {
    public static final long PERIOD_MS = 100;
    /** Caps one batch so a backlog after a stall is worked off over several pulses instead of one long one. */
    private static final int MAX_BATCH = 20_000;
    /** Bounds memory while the FX thread is stalled; the store still has every call, the live view skips some. */
    private static final int MAX_PENDING = 200_000;

    private final ConcurrentLinkedQueue<EngineEvent> pending = new ConcurrentLinkedQueue<>();
    private final List<Consumer<List<EngineEvent>>> listeners = new CopyOnWriteArrayList<>();
    private final AtomicBoolean drainQueued = new AtomicBoolean();
    private final AtomicInteger pendingCount = new AtomicInteger();
    private final AtomicLong skipped = new AtomicLong();
    private final ScheduledExecutorService ticker;
    private final AutoCloseable subscription;
    private long longestDrainNanos;
    private long drains;

    public FxEventDispatcher(EventBus bus) {
        this.subscription = bus.subscribe(this::enqueue);
        this.ticker = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "tollgate-ui-events");
            t.setDaemon(true);
            return t;
        });
        ticker.scheduleAtFixedRate(this::tick, PERIOD_MS, PERIOD_MS, TimeUnit.MILLISECONDS);
    }

    /** Registers a batch listener; it always runs on the FX thread. */
    public void addListener(Consumer<List<EngineEvent>> listener) {
        listeners.add(listener);
    }

    private void enqueue(EngineEvent event) {
        if (pendingCount.incrementAndGet() > MAX_PENDING) {
            pendingCount.decrementAndGet();
            skipped.incrementAndGet();
            return;
        }
        pending.add(event);
    }

    /** Events not shown live because the FX thread fell too far behind. */
    public long skippedEvents() {
        return skipped.get();
    }

    private void tick() {
        if (!pending.isEmpty() && drainQueued.compareAndSet(false, true)) {
            Platform.runLater(this::drain);
        }
    }

    private void drain() {
        drainQueued.set(false);
        List<EngineEvent> batch = new ArrayList<>(Math.min(MAX_BATCH, 1024));
        EngineEvent event;
        while (batch.size() < MAX_BATCH && (event = pending.poll()) != null) {
            batch.add(event);
        }
        pendingCount.addAndGet(-batch.size());
        if (batch.isEmpty()) {
            return;
        }
        long started = System.nanoTime();
        List<EngineEvent> view = List.copyOf(batch);
        for (Consumer<List<EngineEvent>> listener : listeners) {
            listener.accept(view);
        }
        longestDrainNanos = Math.max(longestDrainNanos, System.nanoTime() - started);
        drains++;
    }

    /** The longest time one batch took on the FX thread, for the load check (FX thread). */
    public long longestDrainNanos() {
        return longestDrainNanos;
    }

    /** How many batches were handed to the view-models (FX thread). */
    public long drains() {
        return drains;
    }

    @Override
    public void close() {
        ticker.shutdownNow();
        try {
            subscription.close();
        } catch (Exception e) {
            throw new IllegalStateException("could not unsubscribe from engine events", e);
        }
    }
}
