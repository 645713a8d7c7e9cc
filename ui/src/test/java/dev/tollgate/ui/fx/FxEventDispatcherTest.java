package dev.tollgate.ui.fx;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.tollgate.events.EngineEvent;
import dev.tollgate.events.EventBus;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.atomic.AtomicInteger;
import javafx.application.Platform;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.testfx.api.FxToolkit;

class FxEventDispatcherTest {
    @BeforeAll
    static void startJavaFx() throws Exception {
        FxToolkit.registerPrimaryStage();
    }

    @Test
    void thousandsOfEventsReachTheFxThreadInAFewBatches() {
        AtomicInteger events = new AtomicInteger();
        AtomicInteger batches = new AtomicInteger();
        AtomicInteger offThread = new AtomicInteger();
        try (EventBus bus = new EventBus();
                FxEventDispatcher dispatcher = new FxEventDispatcher(bus)) {
            dispatcher.addListener(batch -> {
                if (!Platform.isFxApplicationThread()) {
                    offThread.incrementAndGet();
                }
                batches.incrementAndGet();
                events.addAndGet(batch.size());
            });
            for (int i = 0; i < 5_000; i++) {
                bus.publish(new EngineEvent.UpstreamStateChanged(Instant.now(), "crm", "connected", "#" + i));
            }

            await().atMost(Duration.ofSeconds(10)).until(() -> events.get() == 5_000);
        }
        assertThat(offThread).hasValue(0);
        assertThat(batches.get()).isLessThan(100);
    }
}
