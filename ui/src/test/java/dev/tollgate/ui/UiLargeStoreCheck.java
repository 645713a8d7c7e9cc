package dev.tollgate.ui;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.tollgate.audit.AuditRecord;
import dev.tollgate.engine.ReadOnlyEngine;
import dev.tollgate.ui.live.LiveViewModel;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.BooleanSupplier;
import javafx.animation.AnimationTimer;
import javafx.stage.Stage;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.testfx.api.FxRobot;
import org.testfx.framework.junit5.ApplicationExtension;
import org.testfx.framework.junit5.Start;

/**
 * The large-store check (excluded by default, see BENCHMARKS.md): opens an existing store read-only
 * ({@code -Dload.store=JDBC_URL}, e.g. the 1,000,000-record benchmark store) and times what an
 * investigator does first, while an AnimationTimer records the longest gap between FX pulses.
 */
@Tag("load")
@ExtendWith(ApplicationExtension.class)
class UiLargeStoreCheck {
    private static final String STORE = System.getProperty("load.store", "");

    private final ShellFixture fixture = new ShellFixture();
    private ReadOnlyEngine engine;
    private TollgateShell shell;
    private final AtomicLong longestGap = new AtomicLong();
    private final AnimationTimer meter = new AnimationTimer() {
        private long last;

        @Override
        public void handle(long now) {
            if (last != 0) {
                longestGap.accumulateAndGet(now - last, Math::max);
            }
            last = now;
        }
    };
    private final List<String> report = new ArrayList<>();

    @Start
    void start(Stage stage) throws Exception {
        Assumptions.assumeFalse(STORE.isEmpty(), "set -Dload.store=JDBC_URL of a large store");
        meter.start();
        engine = ReadOnlyEngine.open(STORE);
        stage.setWidth(1280);
        stage.setHeight(800);
        shell = fixture.open(stage, engine);
    }

    @AfterEach
    void tearDown() throws Exception {
        fixture.close();
        if (engine != null) {
            engine.close();
        }
    }

    private void time(String what, FxRobot robot, Runnable action, BooleanSupplier done) {
        longestGap.set(0);
        long started = System.nanoTime();
        robot.interact(action);
        await().atMost(Duration.ofSeconds(120))
                .pollInterval(Duration.ofMillis(20))
                .until(done::getAsBoolean);
        report.add(String.format(
                Locale.ROOT,
                "%s: %.0f ms (longest FX frame gap meanwhile %.0f ms)",
                what,
                (System.nanoTime() - started) / 1e6,
                longestGap.get() / 1e6));
    }

    @Test
    void opensPagesJumpsAndFiltersWithoutLoadingTheStore(FxRobot robot) {
        LiveViewModel live = shell.liveModel();
        time(
                "newest page shown",
                robot,
                () -> {},
                () -> live.rows().size() == LiveViewModel.PAGE
                        && !live.loadingProperty().get());
        for (int i = 1; i <= 5; i++) {
            int expected = LiveViewModel.PAGE * (i + 1);
            time(
                    "older page " + i,
                    robot,
                    live::loadOlder,
                    () -> live.rows().size() == expected
                            && !live.loadingProperty().get());
        }
        long middle = live.rows().get(0).id() / 2;
        time(
                "jump to record #" + middle,
                robot,
                () -> live.jumpTo(middle),
                () -> live.selectedProperty().get() != null
                        && live.selectedProperty().get().id() == middle);
        time(
                "filter tool:payments.issueRefund decision:blocked",
                robot,
                () -> {
                    live.filterTextProperty().set("tool:payments.issueRefund decision:blocked");
                    live.applyFilter();
                },
                () -> !live.loadingProperty().get()
                        && !live.rows().isEmpty()
                        && live.rows().stream().allMatch(AuditRecord::blocked));
        time(
                "filter agent:billing-* latency>1s (evaluated in memory)",
                robot,
                () -> {
                    live.filterTextProperty().set("agent:billing-* latency>1s");
                    live.applyFilter();
                },
                () -> !live.loadingProperty().get() && live.rows().stream().allMatch(r -> r.latencyMs() > 1000));
        time(
                "replay session list (newest " + dev.tollgate.ui.replay.ReplayViewModel.RECENT_RECORDS + " records)",
                robot,
                () -> shell.navigate(Section.REPLAY),
                () -> !shell.replayModel().sessions().isEmpty());
        robot.interact(meter::stop);
        System.out.println("UI large-store check on " + STORE + "\n  " + String.join("\n  ", report));
        assertThat(live.rows().size()).isLessThanOrEqualTo(LiveViewModel.MAX_ROWS);
    }
}
