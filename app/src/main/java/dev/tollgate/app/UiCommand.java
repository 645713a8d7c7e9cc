package dev.tollgate.app;

import dev.tollgate.config.ConfigException;
import dev.tollgate.config.ConfigLoader;
import dev.tollgate.config.TollgateConfig;
import dev.tollgate.engine.TollgateEngine;
import dev.tollgate.sample.demo.DemoOptions;
import dev.tollgate.sample.demo.DemoRefusedException;
import dev.tollgate.sample.demo.DemoSession;
import dev.tollgate.ui.DesktopApp;
import dev.tollgate.ui.DisplayCheck;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code tollgate ui [--config FILE]} (also what {@code tollgate} alone does): starts the engine and opens
 * the desktop app over it; with no configuration, the demo servers and configuration with the default
 * audit store under {@code ~/.tollgate/}.
 */
@Command(name = "ui", mixinStandardHelpOptions = true,
        description = "Start the proxy and open the desktop app (the demo configuration without --config).")
public final class UiCommand implements Callable<Integer>, Runnable {

    @Option(names = "--config", paramLabel = "FILE", description = "Tollgate configuration (YAML).")
    Optional<Path> config = Optional.empty();

    @Override
    public Integer call() {
        Optional<String> noWindow = DisplayCheck.whatIsMissing();
        if (noWindow.isPresent()) {
            System.err.println("tollgate ui: " + noWindow.get());
            return 2;
        }
        if (config.isPresent() && !Files.isRegularFile(config.get())) {
            System.err.println(config.get() + ": no such configuration file");
            return 2;
        }
        try {
            if (config.isPresent()) {
                TollgateConfig loaded = new ConfigLoader().load(config.get());
                DesktopApp.launch(() -> TollgateEngine.start(loaded));
            } else {
                DemoSession demo = DemoSession.start(DemoOptions.defaults().withAuditUrl(ConfigLoader.DEFAULT_AUDIT_URL),
                        TollgateEngine::start);
                try (demo) {
                    DesktopApp.launch(demo::engine);
                }
            }
            return 0;
        } catch (ConfigException e) {
            System.err.println(e.getMessage());
            return 1;
        } catch (DemoRefusedException e) {
            System.err.println("tollgate ui: " + e.getMessage());
            return 2;
        } catch (RuntimeException e) {
            System.err.println("tollgate ui: " + e.getMessage());
            return 1;
        }
    }

    @Override
    public void run() {
        call();
    }
}
