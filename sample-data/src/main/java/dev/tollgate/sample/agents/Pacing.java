package dev.tollgate.sample.agents;

import java.time.Duration;

/**
 * How fast the scripted agents talk: a pause after each conversation turn and between retries, so a person
 * watching the live timeline can follow. {@link #NONE} runs flat out (headless runs, tests).
 */
public record Pacing(Duration betweenTurns, Duration betweenRetries) {
    public static final Pacing NONE = new Pacing(Duration.ZERO, Duration.ZERO);
    public static final Pacing WATCHABLE = new Pacing(Duration.ofMillis(700), Duration.ofMillis(150));

    void pause(Duration pause) {
        if (pause.isZero()) {
            return;
        }
        try {
            Thread.sleep(pause.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
