package dev.tollgate.config;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Notices changes to one file by polling its size, modification time and identity a few times a second, and runs an
 * action once a change has settled. It polls rather than watching the directory: the configuration usually sits
 * beside the audit store, whose files change with every call, and a directory watch would wake Tollgate for each of
 * those writes.
 */
public final class FileWatch implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(FileWatch.class);
    /** How often the file is looked at; a change is noticed within this, plus the settling time. */
    public static final Duration INTERVAL = Duration.ofMillis(200);

    private record Stamp(boolean exists, long size, long modifiedNanos, Object identity) {
        static Stamp of(Path file) {
            try {
                BasicFileAttributes a = Files.readAttributes(file, BasicFileAttributes.class);
                return new Stamp(true, a.size(), a.lastModifiedTime().to(TimeUnit.NANOSECONDS), a.fileKey());
            } catch (IOException e) {
                return new Stamp(false, 0, 0, null);
            }
        }
    }

    private final Path file;
    private final long settleNanos;
    private final Runnable onChange;
    private final ScheduledExecutorService timer;
    private Stamp seen;
    private long changedAt;
    private boolean pending;

    private FileWatch(Path file, String threadName, Duration settle, Runnable onChange) {
        this.file = file;
        this.settleNanos = settle.toNanos();
        this.onChange = onChange;
        this.seen = Stamp.of(file);
        this.timer = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, threadName);
            t.setDaemon(true);
            return t;
        });
    }

    /**
     * Starts watching {@code file}; {@code onChange} runs on the watch thread once a change has been left alone for
     * {@code settle} (so an editor's several writes give one reload).
     */
    public static FileWatch start(Path file, String threadName, Duration settle, Runnable onChange) {
        FileWatch watch = new FileWatch(file, threadName, settle, onChange);
        watch.timer.scheduleWithFixedDelay(
                watch::look, INTERVAL.toMillis(), INTERVAL.toMillis(), TimeUnit.MILLISECONDS);
        return watch;
    }

    private void look() {
        Stamp now = Stamp.of(file);
        long time = System.nanoTime();
        if (!Objects.equals(now, seen)) {
            seen = now;
            changedAt = time;
            pending = true;
        }
        if (pending && time - changedAt >= settleNanos) {
            pending = false;
            try {
                onChange.run();
            } catch (RuntimeException e) {
                LOG.warn("reacting to a change of {} failed", file, e);
            }
        }
    }

    @Override
    public void close() {
        timer.shutdownNow();
        try {
            if (!timer.awaitTermination(2, TimeUnit.SECONDS)) {
                LOG.debug("the watch on {} did not stop within 2 s", file);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
