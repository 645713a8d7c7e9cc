package dev.tollgate.upstream;

import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;

/**
 * Re-establishes one lost upstream session: attempts with growing backoff until one succeeds, one loop at a time,
 * each step reported to the connection's state listeners ({@code reconnecting} with the error that lost it,
 * {@code down} after a failed attempt, {@code connected} when back), each with the time of the next attempt.
 * The backoff starts over only once a session stayed up for {@link #STABLE_AFTER}, so an upstream that crashes
 * right after each start (a crash loop) is retried ever more slowly instead of at the fastest rate.
 */
final class Reconnector {
    static final Duration STABLE_AFTER = Duration.ofSeconds(30);

    /** One attempt to get the session back; throws with the reason when it did not work. */
    @FunctionalInterface
    interface Attempt {
        void run() throws UpstreamException;
    }

    private final Backoff backoff;
    private final StateListeners listeners;
    private final Attempt attempt;
    private final BooleanSupplier closed;
    private boolean running;
    private Optional<Instant> upSince = Optional.of(Instant.now());
    private volatile Optional<Instant> retryAt = Optional.empty();
    private volatile String lastError = "";

    Reconnector(Backoff backoff, StateListeners listeners, Attempt attempt, BooleanSupplier closed) {
        this.backoff = backoff;
        this.listeners = listeners;
        this.attempt = attempt;
        this.closed = closed;
    }

    /** The session was lost for {@code reason}: starts the loop unless it is running already. */
    void lost(String reason) {
        synchronized (this) {
            if (running || closed.getAsBoolean()) {
                return;
            }
            running = true;
            if (upSince.isPresent()
                    && Duration.between(upSince.get(), Instant.now()).compareTo(STABLE_AFTER) >= 0) {
                backoff.reset();
            }
            upSince = Optional.empty();
        }
        schedule(UpstreamState.RECONNECTING, reason);
    }

    /** When the next attempt is due, while the loop runs. */
    Optional<Instant> retryAt() {
        return retryAt;
    }

    /** The error that lost the session, or made the last attempt fail. */
    String lastError() {
        return lastError;
    }

    private void schedule(UpstreamState state, String error) {
        Duration delay = backoff.next();
        Instant at = Instant.now().plus(delay);
        lastError = error;
        retryAt = Optional.of(at);
        listeners.fire(state, error + "; next attempt at " + at + " (in " + delay.toMillis() + " ms)");
        Timers.SCHEDULER.schedule(() -> Timers.WORKERS.execute(this::tryOnce), delay.toMillis(), TimeUnit.MILLISECONDS);
    }

    private void tryOnce() {
        if (closed.getAsBoolean()) {
            stop();
            return;
        }
        try {
            attempt.run();
        } catch (UpstreamException | RuntimeException e) {
            schedule(UpstreamState.DOWN, String.valueOf(e.getMessage()));
            return;
        }
        synchronized (this) {
            upSince = Optional.of(Instant.now());
        }
        stop();
        listeners.fire(UpstreamState.CONNECTED, "reconnected after: " + lastError);
    }

    private synchronized void stop() {
        running = false;
        retryAt = Optional.empty();
    }
}
