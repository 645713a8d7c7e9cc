package dev.tollgate.upstream;

import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;

/**
 * The daemon threads upstream connections share: one scheduler for deadlines and retry times, and workers for
 * the blocking work a retry does (a handshake must never hold up the scheduler, or call deadlines fire late).
 */
final class Timers {
    static final ScheduledExecutorService SCHEDULER = Executors.newScheduledThreadPool(1, r -> {
        Thread t = new Thread(r, "tollgate-upstream-timer");
        t.setDaemon(true);
        return t;
    });
    static final ExecutorService WORKERS = Executors.newCachedThreadPool(r -> {
        Thread t = new Thread(r, "tollgate-upstream-reconnect");
        t.setDaemon(true);
        return t;
    });

    private Timers() {}
}
