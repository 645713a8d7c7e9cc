package dev.tollgate.sample.servers;

import java.time.Duration;

/**
 * How a sample server misbehaves on purpose. {@code refundTimeouts} makes the payment processor
 * accept every refund but never confirm it in time (the refund storm's trigger); {@code refundDelay}
 * is how long it keeps the caller waiting before it gives up.
 */
public record SampleServerOptions(boolean refundTimeouts, Duration refundDelay) {
    public static final SampleServerOptions NORMAL = new SampleServerOptions(false, Duration.ZERO);

    public static SampleServerOptions refundTimeouts(Duration delay) {
        return new SampleServerOptions(true, delay);
    }
}
