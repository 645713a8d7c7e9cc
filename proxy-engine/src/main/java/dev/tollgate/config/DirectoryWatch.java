package dev.tollgate.config;

import java.io.IOException;
import java.nio.file.ClosedWatchServiceException;
import java.nio.file.Path;
import java.nio.file.StandardWatchEventKinds;
import java.nio.file.WatchEvent;
import java.nio.file.WatchKey;
import java.nio.file.WatchService;
import java.util.function.Predicate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Watches one directory on a daemon thread and runs an action whenever a file it cares about is created or changed
 * there (an overflow counts as a change), for files other processes write beside the configuration.
 */
public final class DirectoryWatch implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(DirectoryWatch.class);

    private final WatchService service;
    private final Thread thread;

    private DirectoryWatch(WatchService service, Thread thread) {
        this.service = service;
        this.thread = thread;
    }

    /** Starts watching {@code dir}; {@code onChange} runs on the watch thread for names {@code relevant} accepts. */
    public static DirectoryWatch start(Path dir, String threadName, Predicate<Path> relevant, Runnable onChange)
            throws IOException {
        WatchService service = dir.getFileSystem().newWatchService();
        dir.register(service, StandardWatchEventKinds.ENTRY_CREATE, StandardWatchEventKinds.ENTRY_MODIFY);
        Thread thread = new Thread(() -> loop(service, relevant, onChange), threadName);
        thread.setDaemon(true);
        thread.start();
        return new DirectoryWatch(service, thread);
    }

    private static void loop(WatchService service, Predicate<Path> relevant, Runnable onChange) {
        try {
            while (!Thread.currentThread().isInterrupted()) {
                WatchKey key = service.take();
                boolean changed = false;
                for (WatchEvent<?> event : key.pollEvents()) {
                    changed |= event.kind() == StandardWatchEventKinds.OVERFLOW
                            || event.context() instanceof Path name && relevant.test(name);
                }
                key.reset();
                if (changed) {
                    onChange.run();
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (ClosedWatchServiceException e) {
            LOG.debug("watch on {} stopped", Thread.currentThread().getName());
        }
    }

    @Override
    public void close() {
        thread.interrupt();
        try {
            service.close();
            thread.join(2_000);
        } catch (IOException e) {
            LOG.debug("closing the watch service", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
