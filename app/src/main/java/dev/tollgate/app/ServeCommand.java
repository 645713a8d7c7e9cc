package dev.tollgate.app;

import dev.tollgate.audit.AuditStores;
import dev.tollgate.config.ConfigException;
import dev.tollgate.config.ConfigLoader;
import dev.tollgate.config.TollgateConfig;
import dev.tollgate.engine.TollgateEngine;
import dev.tollgate.policy.PolicyReferences;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicBoolean;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code tollgate serve}: the proxy without a window, until the process is killed. */
@Command(
        name = "serve",
        mixinStandardHelpOptions = true,
        description = "Runs the proxy headless until killed; prints 'listening on URL' once ready.")
public final class ServeCommand implements Callable<Integer> {
    @Option(names = "--config", required = true, paramLabel = "FILE", description = "the Tollgate configuration (YAML)")
    Path config;

    @Option(names = "--port", paramLabel = "N", description = "overrides the port of 'listen'; 0 picks a free port")
    Integer port;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() throws InterruptedException {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        if (!Files.isRegularFile(config)) {
            return PolicyCommand.missing(err, config);
        }
        TollgateEngine engine;
        String auditUrl;
        try {
            TollgateConfig loaded = new ConfigLoader().load(config);
            // Not fatal, since the proxy still fails closed, but almost certainly a typo the operator wants to see.
            PolicyReferences.check(loaded)
                    .forEach(p -> err.println(p.file() + ":" + p.line() + ": warning: " + p.detail()));
            err.flush();
            if (port != null) {
                loaded = loaded.withListenPort(port);
            }
            engine = TollgateEngine.start(loaded);
            auditUrl = loaded.auditUrl();
        } catch (ConfigException e) {
            err.println(e.getMessage());
            err.flush();
            return 1;
        } catch (RuntimeException e) {
            err.println("tollgate serve: " + e.getMessage());
            err.flush();
            return 1;
        }
        CountDownLatch stopped = new CountDownLatch(1);
        AtomicBoolean closed = new AtomicBoolean();
        Runnable stop = () -> {
            if (closed.compareAndSet(false, true)) {
                engine.close();
            }
        };
        AtomicBoolean bySignal = new AtomicBoolean();
        StopSignals.onStop(() -> {
            bySignal.set(true);
            stopped.countDown();
        });
        // Any other way out (SIGHUP, or a JVM that keeps its signal handlers) still closes what it can.
        Runtime.getRuntime()
                .addShutdownHook(new Thread(
                        () -> {
                            stop.run();
                            stopped.countDown();
                        },
                        "tollgate-shutdown"));
        out.println("listening on " + engine.endpoint().orElseThrow());
        out.flush();
        stopped.await();
        stop.run();
        if (bySignal.get()) {
            // With the store closed and the JVM not shutting down yet, the file can be rewritten to its live records.
            AuditStores.compactAfterStop(auditUrl, AuditStores.STOP_COMPACT_MAX_BYTES);
        }
        return 0;
    }
}
