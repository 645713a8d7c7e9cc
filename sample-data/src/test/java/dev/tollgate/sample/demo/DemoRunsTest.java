package dev.tollgate.sample.demo;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Old demo runs are removed when a new one starts, never one a demo or another process still uses. */
class DemoRunsTest {
    @TempDir
    Path demo;

    private Path run(String name) throws Exception {
        Path dir = Files.createDirectories(demo.resolve(name));
        Files.writeString(dir.resolve("tollgate-demo.yaml"), "listen: 127.0.0.1:0\n");
        Files.createDirectories(dir.resolve("transcripts"));
        Files.writeString(dir.resolve("transcripts").resolve("conv-1.jsonl"), "{}\n");
        return dir;
    }

    /** A store opened by an H2 connection in a separate JVM that holds it until its stdin closes. */
    private static Process holdStoreInAnotherProcess(Path run) throws Exception {
        Process p = new ProcessBuilder(
                        Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                        "-cp",
                        System.getProperty("java.class.path"),
                        HoldStore.class.getName(),
                        "jdbc:h2:file:" + run.resolve("audit").toAbsolutePath())
                .redirectErrorStream(true)
                .start();
        BufferedReader out = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8));
        assertThat(out.readLine()).isEqualTo("open");
        return p;
    }

    @Test
    void onlyTheNewestRunsStayAndNoRunInUseIsDeleted() throws Exception {
        Path oldest = run("20261101-090000-100");
        Path heldByADemo = run("20261102-090000-101");
        Path storeOpenElsewhere = run("20261103-090000-102");
        Path old = run("20261104-090000-103");
        Path second = run("20261128-090000-104");
        Path first = run("20261129-090000-105");
        Path notARun = Files.createDirectories(demo.resolve("my-notes"));
        Path current = run("20261130-090000-106");

        Process holder = holdStoreInAnotherProcess(storeOpenElsewhere);
        try (WorkDirLock demoThere = WorkDirLock.claim(heldByADemo)) {
            List<Path> deleted = DemoRuns.pruneBeside(current, 3);

            assertThat(deleted).containsExactlyInAnyOrder(oldest.toAbsolutePath(), old.toAbsolutePath());
            assertThat(oldest).doesNotExist();
            assertThat(old).doesNotExist();
            assertThat(List.of(current, first, second, heldByADemo, storeOpenElsewhere, notARun))
                    .allSatisfy(dir -> assertThat(dir).isDirectory());
            assertThat(storeOpenElsewhere.resolve("audit.mv.db")).isRegularFile();
        } finally {
            holder.getOutputStream().close();
            holder.waitFor();
        }

        assertThat(DemoRuns.pruneBeside(current, 3))
                .as("once nobody uses them")
                .containsExactlyInAnyOrder(heldByADemo.toAbsolutePath(), storeOpenElsewhere.toAbsolutePath());
    }

    @Test
    void aWorkDirChosenByHandPrunesNothing() throws Exception {
        Path old = run("20261101-090000-100");
        Path chosen = Files.createDirectories(demo.resolve("my-demo"));
        assertThat(DemoRuns.pruneBeside(chosen, 1)).isEmpty();
        assertThat(old).isDirectory();
    }

    /** Opens an H2 store and keeps it open until stdin is closed. */
    public static final class HoldStore {
        public static void main(String[] args) throws Exception {
            try (Connection c = DriverManager.getConnection(args[0])) {
                c.createStatement().execute("CREATE TABLE IF NOT EXISTS T(ID INT)");
                System.out.println("open");
                System.out.flush();
                while (System.in.read() >= 0) {
                    // held until the test closes our stdin
                }
            }
        }
    }
}
