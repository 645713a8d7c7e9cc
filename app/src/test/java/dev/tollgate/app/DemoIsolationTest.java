package dev.tollgate.app;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tollgate.audit.AuditQuery;
import dev.tollgate.audit.AuditStore;
import dev.tollgate.audit.AuditStores;
import dev.tollgate.config.ConfigLoader;
import dev.tollgate.engine.TollgateEngine;
import dev.tollgate.sample.agents.Pacing;
import dev.tollgate.sample.demo.DemoOptions;
import dev.tollgate.sample.demo.DemoSession;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Two demos on one machine: each has its own directory and store, and neither can disturb the other's. */
class DemoIsolationTest {
    private static final int CALLS = 60;

    @TempDir
    Path home;

    @Test
    void twoHeadlessDemosSideBySideKeepTheirOwnConfigurationAndStore() throws Exception {
        try (TollgateProcess first =
                        TollgateProcess.start(home, Map.of(), "demo", "--headless", "--calls", "" + CALLS);
                TollgateProcess second =
                        TollgateProcess.start(home, Map.of(), "demo", "--headless", "--calls", "" + CALLS)) {
            Started a = Started.read(first);
            Started b = Started.read(second);

            assertThat(first.waitFor(180)).as(first.stderr()).isZero();
            assertThat(second.waitFor(180)).as(second.stderr()).isZero();
            assertThat(a.configuration).isNotEqualTo(b.configuration);
            assertThat(a.store).isNotEqualTo(b.store);
            for (Started demo : new Started[] {a, b}) {
                assertThat(demo.configuration)
                        .startsWith(home.resolve(".tollgate").resolve("demo").toString());
                assertThat(Path.of(demo.configuration)).isRegularFile();
                assertThat(new ConfigLoader().load(Path.of(demo.configuration)).auditUrl())
                        .isEqualTo(demo.store);
                try (AuditStore store = AuditStores.openExisting(demo.store)) {
                    assertThat(store.query(AuditQuery.all())).as(demo.store).hasSize(CALLS);
                }
            }
        }
    }

    @Test
    void aSecondDemoInARunningDemosDirectoryOrStoreIsRefusedAndNothingIsDeleted() throws Exception {
        Path work = home.resolve("work");
        try (DemoSession running = DemoSession.start(DemoOptions.defaults().withWorkDir(work), TollgateEngine::start)) {
            Path config = work.resolve("tollgate-demo.yaml");
            String configText = Files.readString(config);
            Path store = work.resolve("audit.mv.db");
            assertThat(store).isRegularFile();

            try (TollgateProcess sameDir =
                    TollgateProcess.start(home, Map.of(), "demo", "--headless", "--work-dir", work.toString())) {
                assertThat(sameDir.waitFor(120)).isEqualTo(2);
                assertThat(sameDir.stderr())
                        .contains("tollgate demo: another Tollgate demo (process "
                                + ProcessHandle.current().pid() + ") is running in " + work);
            }
            try (TollgateProcess sameStore = TollgateProcess.start(
                    home,
                    Map.of(),
                    "demo",
                    "--headless",
                    "--work-dir",
                    home.resolve("other").toString(),
                    "--db",
                    running.config().auditUrl())) {
                assertThat(sameStore.waitFor(120)).isEqualTo(2);
                assertThat(sameStore.stderr())
                        .contains("tollgate demo: the audit store " + store + " is open in another process");
            }

            assertThat(Files.readString(config)).isEqualTo(configText);
            assertThat(store).isRegularFile();
            running.play(20, Pacing.NONE);
            assertThat(running.records()).hasSize(20);
        }
    }

    /** What a demo prints first: where it listens, its configuration file and its audit store. */
    private record Started(String configuration, String store) {
        static Started read(TollgateProcess demo) throws Exception {
            assertThat(demo.readLine(120)).startsWith("Tollgate demo: listening on http://127.0.0.1:");
            String configuration = demo.readLine(10);
            String store = demo.readLine(10);
            assertThat(configuration).startsWith("configuration: ");
            assertThat(store).startsWith("audit store:   ");
            return new Started(
                    configuration.substring("configuration: ".length()), store.substring("audit store:   ".length()));
        }
    }
}
