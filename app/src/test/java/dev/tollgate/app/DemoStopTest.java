package dev.tollgate.app;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A demo stopped with SIGTERM (or Ctrl-C) mid-run closes its store itself: no error, no H2 trace file. */
class DemoStopTest {
    @TempDir
    Path home;

    @Test
    void sigtermMidRunStopsCleanlyWithTheShellsSignalExitCode() throws Exception {
        try (TollgateProcess demo = TollgateProcess.start(home, Map.of(), "demo", "--headless", "--calls", "1000000")) {
            String line;
            do {
                line = demo.readLine(120);
            } while (line != null && !line.startsWith("audit store:"));
            assertThat(line).as("the demo's start lines").isNotNull();

            demo.terminate();

            assertThat(demo.waitFor(120)).as("exit code after SIGTERM").isEqualTo(130);
            assertThat(demo.stderr()).doesNotContain("ERROR").doesNotContain("WARN");
        }
        try (Stream<Path> files = Files.walk(home.resolve(".tollgate"))) {
            assertThat(files.map(p -> p.getFileName().toString())).noneMatch(name -> name.endsWith(".trace.db"));
        }
    }
}
