package dev.tollgate.ui.fx;

import java.util.concurrent.Callable;
import java.util.function.Consumer;

/**
 * Background work where only the newest request matters (a filter typed letter by letter, a preview
 * of text still being edited): results of superseded requests are dropped instead of published.
 */
public final class Latest {
    private final Background background;
    private long generation;

    public Latest(Background background) {
        this.background = background;
    }

    /** Must be called on the FX thread. */
    public <T> void run(Callable<T> work, Consumer<T> onResult, Consumer<Throwable> onError) {
        long mine = ++generation;
        background.run(
                work,
                r -> {
                    if (mine == generation) {
                        onResult.accept(r);
                    }
                },
                e -> {
                    if (mine == generation) {
                        onError.accept(e);
                    }
                });
    }
}
