package dev.tollgate.app;

import dev.tollgate.config.ConfigException;
import dev.tollgate.config.ConfigLoader;
import dev.tollgate.config.TollgateConfig;
import dev.tollgate.engine.TollgateEngine;
import dev.tollgate.sample.demo.DemoOptions;
import dev.tollgate.sample.demo.DemoSession;
import dev.tollgate.ui.DesktopApp;
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
        try {
            if (config.isPresent()) {
                TollgateConfig loaded = new ConfigLoader().load(config.get());
                DesktopApp.launch(() -> TollgateEngine.start(loaded));
            } else {
                DemoSession demo = DemoSession.start(DemoOptions.defaults().withAuditUrl(ConfigLoader.DEFAULT_AUDIT_URL),
                        TollgateEngine::start);
                try {
                    DesktopApp.launch(demo::engine);
                } finally {
                    demo.world().close();
                }
            }
            return 0;
        } catch (ConfigException e) {
            System.err.println(e.getMessage());
            return 1;
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
