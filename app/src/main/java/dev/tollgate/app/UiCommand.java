package dev.tollgate.app;

import dev.tollgate.audit.AuditStores;
import dev.tollgate.audit.AuditUnavailableException;
import dev.tollgate.config.ConfigException;
import dev.tollgate.config.ConfigLoader;
import dev.tollgate.config.TollgateConfig;
import dev.tollgate.engine.Engine;
import dev.tollgate.engine.ReadOnlyEngine;
import dev.tollgate.ui.DesktopApp;
import java.nio.file.Path;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code tollgate ui [--config FILE]}: opens the desktop app (also what {@code tollgate} alone does). */
@Command(name = "ui", mixinStandardHelpOptions = true,
        description = "Open the desktop app over the configuration's audit store (the default store without --config).")
public final class UiCommand implements Callable<Integer>, Runnable {
    static final String DEFAULT_AUDIT_URL = ConfigLoader.DEFAULT_AUDIT_URL;

    @Option(names = "--config", paramLabel = "FILE", description = "Tollgate configuration (YAML).")
    Optional<Path> config = Optional.empty();

    @Override
    public Integer call() {
        String url;
        try {
            url = config.map(file -> new ConfigLoader().load(file)).map(TollgateConfig::auditUrl).orElse(DEFAULT_AUDIT_URL);
        } catch (ConfigException e) {
            System.err.println(e.getMessage());
            return 1;
        }
        Engine engine;
        try {
            engine = new ReadOnlyEngine(AuditStores.open(url));
        } catch (AuditUnavailableException e) {
            System.err.println("cannot open the audit store " + AuditStores.redactUrl(url) + ": " + e.getMessage());
            return 1;
        }
        DesktopApp.launch(() -> engine);
        return 0;
    }

    @Override
    public void run() {
        call();
    }
}
