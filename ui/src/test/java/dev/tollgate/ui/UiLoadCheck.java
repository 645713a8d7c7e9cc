package dev.tollgate.ui;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.tollgate.audit.AuditRecord;
import dev.tollgate.events.EngineEvent;
import dev.tollgate.json.Json;
import dev.tollgate.testing.TemporaryAuditStore;
import java.time.Duration;
import java.time.Instant;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import javafx.animation.AnimationTimer;
import javafx.stage.Stage;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.testfx.api.FxRobot;
import org.testfx.framework.junit5.ApplicationExtension;
import org.testfx.framework.junit5.Start;
import tools.jackson.databind.JsonNode;

/**
 * The UI load check (excluded from the default build, see BENCHMARKS.md): 1,000 completed calls per
 * second for 30 s into the live window, 10 % of them blocked, while an AnimationTimer records the gaps
 * between FX pulses. Prints the longest gap and the percentiles; asserts only that every event arrived.
 */
@Tag("load")
@ExtendWith(ApplicationExtension.class)
class UiLoadCheck {
    private static final int PER_SECOND = Integer.getInteger("load.rate", 1_000);
    private static final int SECONDS = Integer.getInteger("load.seconds", 30);

    @RegisterExtension
    final TemporaryAuditStore audit = TemporaryAuditStore.create();

    private final ShellFixture fixture = new ShellFixture();
    private TestEngine engine;
    private TollgateShell shell;

    @Start
    void start(Stage stage) {
        engine = new TestEngine(audit.store(), Optional.empty());
        stage.setWidth(1280);
        stage.setHeight(800);
        shell = fixture.open(stage, engine);
    }

    @AfterEach
    void tearDown() throws Exception {
        fixture.close();
        engine.close();
    }

    /** CPU time of JavaFX's render thread, where the software pipeline draws each frame. */
    private static long renderThreadCpu() {
        java.lang.management.ThreadMXBean threads = java.lang.management.ManagementFactory.getThreadMXBean();
        long total = 0;
        for (java.lang.management.ThreadInfo info : threads.getThreadInfo(threads.getAllThreadIds())) {
            if (info != null && info.getThreadName().startsWith("QuantumRenderer")) {
                total += Math.max(0, threads.getThreadCpuTime(info.getThreadId()));
            }
        }
        return total;
    }

    @Test
    void liveTimelineStaysFluidAtAThousandCallsPerSecond(FxRobot robot) throws Exception {
        long[] gaps = new long[200_000];
        AtomicLong frames = new AtomicLong();
        AtomicLong longest = new AtomicLong();
        AnimationTimer meter = new AnimationTimer() {
            private long last;

            @Override
            public void handle(long now) {
                if (last != 0) {
                    long gap = now - last;
                    int i = (int) frames.getAndIncrement();
                    if (i < gaps.length) {
                        gaps[i] = gap;
                    }
                    longest.accumulateAndGet(gap, Math::max);
                }
                last = now;
            }
        };
        robot.interact(meter::start);
        long[] fxCpu = new long[2];
        robot.interact(() -> fxCpu[0] =
                java.lang.management.ManagementFactory.getThreadMXBean().getCurrentThreadCpuTime());
        long renderCpuBefore = renderThreadCpu();

        JsonNode args = Json.parse("{\"orderId\":\"O-42\",\"amount\":129.0,\"note\":\"load check\"}");
        AtomicLong sent = new AtomicLong();
        long total = (long) PER_SECOND * SECONDS;
        ScheduledExecutorService feeder = Executors.newSingleThreadScheduledExecutor();
        long perTick = PER_SECOND / 100;
        feeder.scheduleAtFixedRate(
                () -> {
                    for (int k = 0; k < perTick && sent.get() < total; k++) {
                        long id = sent.incrementAndGet();
                        boolean blocked = id % 10 == 0;
                        Instant now = Instant.now();
                        AuditRecord r = new AuditRecord(
                                id,
                                now,
                                "agent-" + (id % 7),
                                "s-" + (id % 50),
                                Optional.empty(),
                                blocked ? "payments" : "crm",
                                blocked ? "issueRefund" : "getAccount",
                                args,
                                blocked ? "blocked" : "allowed",
                                blocked ? "limit payments.issueRefund 10/min" : "role billing allow crm.*",
                                Optional.of("tollgate.yaml:12"),
                                "",
                                blocked ? "error" : "success",
                                12.5,
                                256,
                                Optional.of("conv-" + (id % 20)),
                                Optional.empty(),
                                "",
                                "");
                        engine.events().publish(new EngineEvent.CallCompleted(now, r));
                    }
                },
                0,
                10,
                TimeUnit.MILLISECONDS);
        long started = System.nanoTime();
        await().atMost(Duration.ofSeconds(SECONDS + 30))
                .pollInterval(Duration.ofMillis(500))
                .until(() -> sent.get() >= total);
        double feedSeconds = (System.nanoTime() - started) / 1e9;
        feeder.shutdownNow();
        await().atMost(Duration.ofSeconds(10))
                .until(() -> !shell.liveModel().rows().isEmpty()
                        && shell.liveModel()
                                        .rows()
                                        .get(shell.liveModel().rows().size() - 1)
                                        .id()
                                == total);
        assertThat(shell.liveModel().rows().size())
                .isGreaterThanOrEqualTo((int) Math.min(total, dev.tollgate.ui.live.LiveViewModel.MAX_ROWS));
        robot.interact(meter::stop);
        robot.interact(() -> fxCpu[1] =
                java.lang.management.ManagementFactory.getThreadMXBean().getCurrentThreadCpuTime());
        long renderCpu = renderThreadCpu() - renderCpuBefore;

        long[] drain = new long[2];
        robot.interact(() -> {
            drain[0] = shell.dispatcher().drains();
            drain[1] = shell.dispatcher().longestDrainNanos();
        });
        int n = (int) Math.min(frames.get(), gaps.length);
        long[] sorted = java.util.Arrays.copyOf(gaps, n);
        java.util.Arrays.sort(sorted);
        String report = String.format(
                Locale.ROOT,
                "UI load check: %d events in %.1f s (%.0f/s), dropped by bus %d; %d FX frames; frame gap p50 %.1f ms,"
                        + " p99 %.1f ms, p99.9 %.1f ms, longest %.1f ms; %d batches, longest batch %.1f ms; FX thread CPU %.1f s of %.1f s wall (%.0f %% of one core), renderer thread CPU %.1f s",
                total,
                feedSeconds,
                total / feedSeconds,
                engine.events().droppedEvents(),
                n,
                sorted[n / 2] / 1e6,
                sorted[(int) (n * 0.99)] / 1e6,
                sorted[(int) (n * 0.999)] / 1e6,
                longest.get() / 1e6,
                drain[0],
                drain[1] / 1e6,
                (fxCpu[1] - fxCpu[0]) / 1e9,
                (System.nanoTime() - started) / 1e9,
                100.0 * (fxCpu[1] - fxCpu[0]) / (System.nanoTime() - started),
                renderCpu / 1e9);
        System.out.println(report);
        assertThat(engine.events().droppedEvents()).isZero();
    }
}
