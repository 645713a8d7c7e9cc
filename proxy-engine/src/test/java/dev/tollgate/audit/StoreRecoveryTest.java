package dev.tollgate.audit;

import static dev.tollgate.testing.TemporaryAuditStore.call;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.tollgate.events.EventBus;
import dev.tollgate.json.Json;
import dev.tollgate.pipeline.AgentChannel;
import dev.tollgate.pipeline.BlockReason;
import dev.tollgate.pipeline.CallContext;
import dev.tollgate.pipeline.CallOutcome;
import dev.tollgate.pipeline.CallStatus;
import dev.tollgate.pipeline.Interceptor;
import dev.tollgate.pipeline.Pipeline;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledOnOs;
import org.junit.jupiter.api.condition.OS;
import org.junit.jupiter.api.io.TempDir;

/**
 * A store on a real, small filesystem (a 4 MB tmpfs) that fills up and empties again: calls are blocked while it
 * is full, the store says why, and calls flow again once space returns, without a restart and with the chain
 * intact. Needs permission to mount a tmpfs (root on Linux); skipped elsewhere.
 */
@EnabledOnOs(OS.LINUX)
class StoreRecoveryTest {
    private static final CallContext CONTEXT =
            new CallContext("2025-06-18", AgentChannel.DISCARD, Duration.ofSeconds(5));

    @TempDir
    Path dir;

    private Path mount;
    private final EventBus events = new EventBus();

    @BeforeEach
    void mountSmallFilesystem() throws Exception {
        mount = dir.resolve("small");
        Files.createDirectories(mount);
        Process p = new ProcessBuilder("mount", "-t", "tmpfs", "-o", "size=4m", "tmpfs", mount.toString())
                .redirectErrorStream(true)
                .start();
        p.getInputStream().readAllBytes();
        assumeTrue(p.waitFor() == 0, "mounting a tmpfs needs root");
    }

    @AfterEach
    void unmount() throws Exception {
        events.close();
        new ProcessBuilder("umount", "-l", mount.toString()).start().waitFor();
    }

    @Test
    void aFullDiskBlocksCallsUntilSpaceReturnsThenCallsFlowAgainWithTheChainIntact() throws Exception {
        List<String> availability = new CopyOnWriteArrayList<>();
        Interceptor upstream = chain -> new CallOutcome(
                chain.state().decision().orElseThrow(),
                CallStatus.SUCCESS,
                Json.parse("{\"content\":[{\"type\":\"text\",\"text\":\"ok\"}]}"),
                40);
        Interceptor allow = chain -> {
            chain.state().allow(dev.tollgate.pipeline.Decision.allowed("test", Optional.empty()));
            return chain.proceed(chain.call());
        };
        try (JdbcAuditStore store = AuditStores.open("jdbc:h2:file:" + mount.resolve("audit"))) {
            store.onAvailability((up, detail) -> availability.add(up + ":" + detail));
            Pipeline pipeline = new Pipeline(List.of(new AuditInterceptor(store, events), allow, upstream));
            List<CallOutcome> answered = new ArrayList<>();
            for (int i = 0; i < 5; i++) {
                answered.add(pipeline.execute(call("billing-agent", "crm.getAccount", Json.object()), CONTEXT));
            }

            Path filler = mount.resolve("filler");
            fill(filler);
            CallOutcome refused = null;
            for (int i = 0; i < 500 && refused == null; i++) {
                CallOutcome outcome = pipeline.execute(call("billing-agent", "crm.getAccount", Json.object()), CONTEXT);
                answered.add(outcome);
                if (outcome.decision().reason() == BlockReason.AUDIT_UNAVAILABLE) {
                    refused = outcome;
                }
            }
            assertThat(refused).as("a call is refused once the disk is full").isNotNull();
            assertThat(refused.result().path("isError").asBoolean()).isTrue();
            assertThat(availability).first().asString().startsWith("false:").contains("No space left on device");
            assertThat(store.available()).isFalse();

            Files.delete(filler);
            await().atMost(Duration.ofSeconds(30)).until(() -> {
                CallOutcome outcome = pipeline.execute(call("billing-agent", "crm.getAccount", Json.object()), CONTEXT);
                answered.add(outcome);
                return outcome.status() == CallStatus.SUCCESS;
            });

            assertThat(availability).last().isEqualTo("true:");
            assertThat(store.available()).isTrue();
            for (CallOutcome outcome : answered) {
                if (outcome.status() == CallStatus.SUCCESS) {
                    AuditRecord record =
                            store.find(outcome.auditId().orElseThrow()).orElseThrow();
                    assertThat(record.status()).isEqualTo("success");
                }
            }
            assertThat(store.verify().intact()).isTrue();
        }
    }

    private static void fill(Path filler) throws IOException {
        byte[] block = new byte[16 * 1024];
        try (OutputStream out = Files.newOutputStream(filler)) {
            while (true) {
                out.write(block);
            }
        } catch (IOException full) {
            // The filesystem is full now.
        }
    }
}
