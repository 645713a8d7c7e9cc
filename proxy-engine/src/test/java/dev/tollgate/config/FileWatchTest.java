package dev.tollgate.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class FileWatchTest {
    @TempDir
    Path dir;

    @Test
    void writesToOtherFilesBesideItAreNotChanges() throws Exception {
        Path config = Files.writeString(dir.resolve("tollgate.yaml"), "listen: 127.0.0.1:0\n");
        AtomicInteger reloads = new AtomicInteger();
        try (FileWatch watch = FileWatch.start(config, "test-watch", Duration.ZERO, reloads::incrementAndGet)) {
            Path journal = dir.resolve("audit.journal");
            for (int i = 0; i < 20; i++) {
                Files.writeString(journal, "entry " + i + "\n");
                Thread.sleep(20);
            }
            Files.writeString(config, "listen: 127.0.0.1:9000\n");
            await().atMost(Duration.ofSeconds(5)).until(() -> reloads.get() == 1);
        }
        assertThat(reloads).hasValue(1);
    }

    @Test
    void anEditorsBurstOfWritesGivesOneReloadOnceItSettles() throws Exception {
        Path config = Files.writeString(dir.resolve("tollgate.yaml"), "a: 1\n");
        AtomicInteger reloads = new AtomicInteger();
        try (FileWatch watch = FileWatch.start(config, "test-watch", Duration.ofSeconds(1), reloads::incrementAndGet)) {
            for (int i = 0; i < 6; i++) {
                Files.writeString(config, "a: " + i + "\n".repeat(i + 1));
                Thread.sleep(50);
            }
            await().atMost(Duration.ofSeconds(5)).until(() -> reloads.get() >= 1);
            Thread.sleep(1_200);
        }
        assertThat(reloads).hasValue(1);
    }

    @Test
    void aFileReplacedByRenameCountsAsChanged() throws Exception {
        Path config = Files.writeString(dir.resolve("tollgate.yaml"), "a: 1\n");
        AtomicInteger reloads = new AtomicInteger();
        try (FileWatch watch = FileWatch.start(config, "test-watch", Duration.ZERO, reloads::incrementAndGet)) {
            Path next = Files.writeString(dir.resolve("tollgate.yaml.tmp"), "a: 2\n");
            Files.move(next, config, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
            await().atMost(Duration.ofSeconds(5)).until(() -> reloads.get() == 1);
        }
    }
}
