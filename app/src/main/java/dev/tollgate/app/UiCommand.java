package dev.tollgate.app;

import dev.tollgate.admin.RemoteEngine;
import dev.tollgate.audit.AuditUnavailableException;
import dev.tollgate.config.ConfigException;
import dev.tollgate.config.ConfigLoader;
import dev.tollgate.config.TollgateConfig;
import dev.tollgate.engine.TollgateEngine;
import dev.tollgate.sample.demo.DemoOptions;
import dev.tollgate.sample.demo.DemoRefusedException;
import dev.tollgate.sample.demo.DemoSession;
import dev.tollgate.ui.DesktopApp;
import dev.tollgate.ui.DisplayCheck;
import java.io.IOException;
import java.net.InetAddress;
import java.net.URI;
import java.net.UnknownHostException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code tollgate ui [--config FILE]} (also what {@code tollgate} alone does): starts the engine and opens
 * the desktop app over it; with no configuration, the demo servers and configuration with the default
 * audit store under {@code ~/.tollgate/}. With {@code --connect URL} it starts nothing and watches a remote
 * {@code tollgate serve} through its admin listener instead.
 */
@Command(
        name = "ui",
        mixinStandardHelpOptions = true,
        description = "Start the proxy and open the desktop app (the demo configuration without --config),"
                + " or watch a remote serve through its admin listener (--connect).")
public final class UiCommand implements Callable<Integer>, Runnable {

    @Option(names = "--config", paramLabel = "FILE", description = "Tollgate configuration (YAML).")
    Optional<Path> config = Optional.empty();

    @Option(
            names = "--connect",
            paramLabel = "URL",
            description = "Watch a remote `tollgate serve` through its admin listener, e.g. http://host:7071.")
    Optional<URI> connect = Optional.empty();

    @Option(
            names = "--admin-token-env",
            paramLabel = "VAR",
            defaultValue = "TOLLGATE_ADMIN_TOKEN",
            description = "Environment variable holding the admin token (default ${DEFAULT-VALUE}).")
    String adminTokenEnv;

    @Option(
            names = "--db",
            paramLabel = "JDBC_URL",
            description = "The team's audit store, opened read-only (default: the URL the instance names).")
    Optional<String> db = Optional.empty();

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
            if (connect.isPresent()) {
                return connect(connect.get());
            }
            if (config.isPresent()) {
                TollgateConfig loaded = new ConfigLoader().load(config.get());
                // Before the window is open the engine is still starting inside launch: nothing of ours to close yet.
                StopSignals.closeWindowOr(() -> {});
                DesktopApp.launch(() -> TollgateEngine.start(loaded));
            } else {
                DemoSession demo = DemoSession.start(
                        DemoOptions.defaults().withAuditUrl(ConfigLoader.DEFAULT_AUDIT_URL), TollgateEngine::start);
                try (demo) {
                    StopSignals.closeWindowOr(demo);
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

    private int connect(URI admin) {
        String token = System.getenv(adminTokenEnv);
        if (token == null || token.isBlank()) {
            System.err.println("tollgate ui: --connect needs the admin token in $" + adminTokenEnv);
            return 2;
        }
        RemoteEngine remote;
        try {
            remote = RemoteEngine.connect(admin, token, db, System.getProperty("user.name") + "@" + hostName());
        } catch (IOException | AuditUnavailableException e) {
            System.err.println("tollgate ui: cannot connect to " + admin + ": " + e.getMessage());
            return 2;
        }
        DesktopApp.launch(() -> remote);
        return 0;
    }

    private static String hostName() {
        try {
            return InetAddress.getLocalHost().getHostName();
        } catch (UnknownHostException e) {
            return "unknown-host";
        }
    }

    @Override
    public void run() {
        call();
    }
}
