package dev.tollgate.sample.demo;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Optional;

/**
 * Exclusive ownership of a demo's working directory for as long as the demo runs, by an OS file lock (so a
 * crashed demo leaves no stale claim), and the check that an H2 audit store is not open in another process.
 */
final class WorkDirLock implements AutoCloseable {
    static final String FILE = ".tollgate-demo.lock";

    private final FileChannel channel;
    private final FileLock lock;

    private WorkDirLock(FileChannel channel, FileLock lock) {
        this.channel = channel;
        this.lock = lock;
    }

    /** Claims {@code dir}; refuses, naming the owner's pid, when another demo runs there. */
    static WorkDirLock claim(Path dir) {
        return tryClaim(dir).orElseThrow(() -> {
            String owner;
            try {
                owner = Files.readString(dir.resolve(FILE), StandardCharsets.UTF_8)
                        .strip();
            } catch (IOException e) {
                owner = "";
            }
            return new DemoRefusedException("another Tollgate demo"
                    + (owner.isEmpty() ? "" : " (process " + owner + ")") + " is running in " + dir
                    + "; give this one its own --work-dir, or leave out --work-dir");
        });
    }

    /** Claims {@code dir} when no other demo holds it; empty when one does. */
    static Optional<WorkDirLock> tryClaim(Path dir) {
        Path file = dir.resolve(FILE);
        try {
            FileChannel channel = FileChannel.open(
                    file, StandardOpenOption.CREATE, StandardOpenOption.READ, StandardOpenOption.WRITE);
            Optional<FileLock> lock = tryLock(channel);
            if (lock.isEmpty()) {
                channel.close();
                return Optional.empty();
            }
            channel.truncate(0);
            channel.write(
                    ByteBuffer.wrap(Long.toString(ProcessHandle.current().pid()).getBytes(StandardCharsets.UTF_8)));
            channel.force(false);
            return Optional.of(new WorkDirLock(channel, lock.get()));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot claim the demo directory " + dir + ": " + e.getMessage(), e);
        }
    }

    /**
     * True when another process (or this one) has the H2 database file open: H2 holds an OS lock on it while
     * open, so a lock this process can take means nobody has it.
     */
    static boolean inUse(Path h2File) {
        if (!Files.isRegularFile(h2File)) {
            return false;
        }
        try (FileChannel channel = FileChannel.open(h2File, StandardOpenOption.READ, StandardOpenOption.WRITE)) {
            Optional<FileLock> lock = tryLock(channel);
            lock.ifPresent(WorkDirLock::release);
            return lock.isEmpty();
        } catch (IOException e) {
            return true;
        }
    }

    private static Optional<FileLock> tryLock(FileChannel channel) throws IOException {
        try {
            return Optional.ofNullable(channel.tryLock());
        } catch (OverlappingFileLockException heldInThisProcess) {
            return Optional.empty();
        }
    }

    private static void release(FileLock lock) {
        try {
            lock.release();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public void close() {
        try {
            lock.release();
            channel.close();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
