package dev.tollgate.audit;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Whether the store takes writes, with the real reason when it does not. The first failure is logged once (with
 * its root cause, e.g. "No space left on device"); while down, writes are refused at once except for one retry per
 * backoff interval (doubling up to {@link #MAX_BACKOFF}), and the first write that succeeds brings it back up.
 */
final class StoreHealth {
    private static final Logger LOG = LoggerFactory.getLogger(StoreHealth.class);
    static final Duration FIRST_BACKOFF = Duration.ofMillis(250);
    static final Duration MAX_BACKOFF = Duration.ofSeconds(4);

    /** Told when the store goes down or comes back. */
    @FunctionalInterface
    interface Listener {
        void changed(boolean up, String detail);
    }

    private final String location;
    private final List<Listener> listeners = new CopyOnWriteArrayList<>();
    private volatile String downReason;
    private long nextTryNanos;
    private Duration backoff = FIRST_BACKOFF;

    StoreHealth(String location) {
        this.location = location;
    }

    void onChange(Listener listener) {
        listeners.add(listener);
    }

    boolean up() {
        return downReason == null;
    }

    /** Why the store is down, for the blocked call's log line and the refusal. */
    String reason() {
        String reason = downReason;
        return reason == null ? "" : reason;
    }

    /** Whether a write may try the database now: always while up, once per backoff interval while down. */
    synchronized boolean mayTry() {
        return downReason == null || System.nanoTime() - nextTryNanos >= 0;
    }

    synchronized void failed(Throwable e) {
        String reason = rootCause(e);
        if (downReason == null) {
            LOG.error(
                    "the audit store at {} is down, calls are blocked until it takes records again: {}",
                    location,
                    reason);
            downReason = reason;
            backoff = FIRST_BACKOFF;
            notify(false, reason);
        } else {
            backoff = backoff.multipliedBy(2).compareTo(MAX_BACKOFF) > 0 ? MAX_BACKOFF : backoff.multipliedBy(2);
            if (!reason.equals(downReason)) {
                LOG.error("the audit store at {} is still down, now because: {}", location, reason);
                downReason = reason;
            }
        }
        nextTryNanos = System.nanoTime() + backoff.toNanos();
    }

    synchronized void succeeded() {
        if (downReason != null) {
            LOG.warn("the audit store at {} takes records again", location);
            downReason = null;
            notify(true, "");
        }
    }

    private void notify(boolean up, String detail) {
        for (Listener listener : listeners) {
            try {
                listener.changed(up, detail);
            } catch (RuntimeException e) {
                LOG.warn("an audit store listener failed", e);
            }
        }
    }

    /** The innermost message: the disk-full or lock error rather than the wrapper that reports it. */
    static String rootCause(Throwable e) {
        Throwable cause = e;
        String message = null;
        while (cause != null) {
            if (cause.getMessage() != null && !cause.getMessage().isBlank()) {
                message = cause.getClass().getSimpleName() + ": " + cause.getMessage();
            }
            if (cause.getCause() == cause) {
                break;
            }
            cause = cause.getCause();
        }
        String text = message == null ? e.getClass().getSimpleName() : message;
        return text.lines().findFirst().orElse(text);
    }
}
