package dev.tollgate.upstream;

import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;

/** The one daemon scheduler upstream connections use for deadlines, retries and restarts. */
final class Timers {
    static final ScheduledExecutorService SCHEDULER = Executors.newScheduledThreadPool(1, r -> {
        Thread t = new Thread(r, "tollgate-upstream-timer");
        t.setDaemon(true);
        return t;
    });

    private Timers() {}
}
