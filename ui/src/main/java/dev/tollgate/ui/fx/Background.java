package dev.tollgate.ui.fx;

import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import javafx.application.Platform;

/** Runs blocking work (audit queries, policy preview) off the FX thread and publishes the result on it. */
public final class Background implements AutoCloseable {
    private final ExecutorService executor;

    public Background() {
        AtomicInteger n = new AtomicInteger();
        this.executor = Executors.newFixedThreadPool(2, r -> {
            Thread t = new Thread(r, "tollgate-ui-work-" + n.incrementAndGet());
            t.setDaemon(true);
            return t;
        });
    }

    /** Runs {@code work} in the background; {@code onResult} or {@code onError} then run on the FX thread. */
    public <T> void run(Callable<T> work, Consumer<T> onResult, Consumer<Throwable> onError) {
        if (executor.isShutdown()) {
            return;
        }
        executor.execute(() -> {
            try {
                T result = work.call();
                Platform.runLater(() -> onResult.accept(result));
            } catch (Exception | LinkageError e) {
                Platform.runLater(() -> onError.accept(e));
            }
        });
    }

    @Override
    public void close() {
        executor.shutdownNow();
    }
}
