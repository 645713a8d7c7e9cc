package dev.tollgate.pipeline;

import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;

/**
 * Tells the links of one call that the agent cancelled it ({@code notifications/cancelled}), and why, so the
 * upstream connection can cancel its own request too. Triggered once; later triggers are ignored.
 */
public final class CancellationSignal {
    private final List<Consumer<String>> listeners = new CopyOnWriteArrayList<>();
    private volatile Optional<String> reason = Optional.empty();

    /** A signal for a call nobody can cancel (internal calls, tests); it simply never fires. */
    public static CancellationSignal none() {
        return new CancellationSignal();
    }

    /** Cancels the call; listeners hear the reason once, on the caller's thread. */
    public void cancel(String why) {
        synchronized (this) {
            if (reason.isPresent()) {
                return;
            }
            reason = Optional.of(why);
        }
        for (Consumer<String> listener : listeners) {
            listener.accept(why);
        }
    }

    public boolean isCancelled() {
        return reason.isPresent();
    }

    /** Why the agent cancelled, once it did. */
    public Optional<String> reason() {
        return reason;
    }

    /**
     * Runs {@code listener} with the reason when the call is cancelled, at once if it already was; closing the
     * returned registration stops listening (the request it guarded has ended).
     */
    public Registration onCancel(Consumer<String> listener) {
        Consumer<String> once = new Consumer<>() {
            private boolean ran;

            @Override
            public synchronized void accept(String why) {
                if (!ran) {
                    ran = true;
                    listener.accept(why);
                }
            }
        };
        listeners.add(once);
        reason.ifPresent(once);
        return () -> listeners.remove(once);
    }

    /** A listener's subscription to a signal. */
    @FunctionalInterface
    public interface Registration extends AutoCloseable {
        @Override
        void close();
    }
}
