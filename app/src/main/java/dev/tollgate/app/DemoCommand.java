package dev.tollgate.app;

import dev.tollgate.engine.TollgateEngine;
import dev.tollgate.sample.agents.Pacing;
import dev.tollgate.sample.demo.DemoOptions;
import dev.tollgate.sample.demo.DemoRefusedException;
import dev.tollgate.sample.demo.DemoSession;
import dev.tollgate.sample.demo.DemoSummary;
import dev.tollgate.ui.DesktopApp;
import dev.tollgate.ui.DisplayCheck;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code tollgate demo}: the refund storm, replayed against Tollgate, live in the window or as a printed summary. */
@Command(
        name = "demo",
        mixinStandardHelpOptions = true,
        description = {
            "Start the sample MCP servers, Tollgate in front of them and the desktop app; scripted agents",
            "replay everyday conversations and then the refund storm, which the rate limit and loop breaker stop."
        })
public final class DemoCommand implements Callable<Integer> {
    private static final int WINDOW_CALLS = 400;
    private static final int HEADLESS_CALLS = 200;
    private static final Duration HEADSTART = Duration.ofSeconds(2);
    private static final long WINDOW_HISTORY = 20_000;

    @Spec
    CommandSpec spec;

    @Option(names = "--headless", description = "Run without a window and print a summary of the calls.")
    boolean headless;

    @Option(
            names = "--calls",
            paramLabel = "N",
            description = "How many tool calls the agents make in all; the refund loop runs until they are spent "
                    + "(default: " + WINDOW_CALLS + " with a window, " + HEADLESS_CALLS + " headless).")
    Optional<Integer> calls = Optional.empty();

    @Option(
            names = "--db",
            paramLabel = "JDBC_URL",
            description = "The audit store to record into (default: a fresh H2 file, ~/.tollgate/demo/audit).")
    Optional<String> db = Optional.empty();

    @Option(
            names = "--history",
            paramLabel = "N",
            description = "Records of last month's generated traffic to put in the store first, for search, replay "
                    + "and policy preview (default: " + WINDOW_HISTORY + " with a window, 0 headless).")
    Optional<Long> history = Optional.empty();

    @Option(
            names = "--work-dir",
            paramLabel = "DIR",
            description = "Where the demo writes its configuration and audit store (default: a new directory per run, "
                    + "~/.tollgate/demo/<date>-<time>-<pid>, where only the newest 3 runs are kept). A directory "
                    + "another demo is using is refused.")
    Optional<Path> workDir = Optional.empty();

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        int budget = calls.orElse(headless ? HEADLESS_CALLS : WINDOW_CALLS);
        long historyRecords = history.orElse(headless ? 0 : WINDOW_HISTORY);
        if (budget < 0 || historyRecords < 0) {
            err.println("--calls and --history must be 0 or more");
            return 2;
        }
        Optional<String> noWindow = headless ? Optional.empty() : DisplayCheck.whatIsMissing();
        if (noWindow.isPresent()) {
            err.println("tollgate demo: " + noWindow.get());
            return 2;
        }
        DemoOptions options = DemoOptions.defaults().withHistory(historyRecords);
        options = workDir.map(options::withWorkDir).orElse(options);
        options = db.map(options::withAuditUrl).orElse(options);

        DemoSession session;
        String label = String.format(
                Locale.ROOT, "starting the demo (writing %,d records of last month's history)", historyRecords);
        try (Terminal.Progress progress = Terminal.progress(historyRecords > 0 ? label : "starting the demo")) {
            session = DemoSession.start(options, TollgateEngine::start);
        } catch (DemoRefusedException e) {
            err.println("tollgate demo: " + e.getMessage());
            return 2;
        } catch (RuntimeException e) {
            err.println("tollgate demo could not start: " + e.getMessage());
            return 1;
        }
        try (session) {
            CountDownLatch stopSignal = new CountDownLatch(1);
            if (headless) {
                StopSignals.onStop(stopSignal::countDown);
            } else {
                StopSignals.closeWindowOr(session);
            }
            out.println("Tollgate demo: listening on " + session.endpoint());
            out.println("configuration: " + session.workDir().resolve("tollgate-demo.yaml"));
            out.println("audit store:   " + session.config().auditUrl());
            out.flush();
            if (headless) {
                if (!playUnlessStopped(session, budget, stopSignal)) {
                    return 130;
                }
                DemoSummary summary = session.summary();
                out.print(summary.render());
                out.flush();
            } else {
                Thread agents = new Thread(() -> playAfterHeadstart(session, budget), "tollgate-demo-agents");
                agents.setDaemon(true);
                agents.start();
                DesktopApp.launch(session::engine);
            }
        }
        return 0;
    }

    /**
     * Plays the demo's calls on their own thread, so SIGTERM or Ctrl-C can end the run: false when a signal came
     * first (the session is then closed by the caller, before the JVM's shutdown, which would race the audit store).
     */
    private static boolean playUnlessStopped(DemoSession session, int budget, CountDownLatch stopSignal) {
        AtomicReference<RuntimeException> failure = new AtomicReference<>();
        AtomicBoolean played = new AtomicBoolean();
        Thread player = new Thread(
                () -> {
                    try {
                        session.play(budget, Pacing.NONE);
                        played.set(true);
                    } catch (RuntimeException e) {
                        failure.set(e);
                    } finally {
                        stopSignal.countDown();
                    }
                },
                "tollgate-demo-agents");
        player.setDaemon(true);
        player.start();
        try {
            stopSignal.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
        if (failure.get() != null) {
            throw failure.get();
        }
        return played.get();
    }

    private static void playAfterHeadstart(DemoSession session, int budget) {
        try {
            // Give the window a moment to come up, so the first calls land on a visible timeline.
            Thread.sleep(HEADSTART.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return;
        }
        session.play(budget, Pacing.WATCHABLE);
    }
}
