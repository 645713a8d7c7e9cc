package dev.tollgate.sample.servers;

import io.modelcontextprotocol.json.McpJsonDefaults;
import io.modelcontextprotocol.server.McpServer;
import io.modelcontextprotocol.server.McpSyncServer;
import io.modelcontextprotocol.server.transport.StdioServerTransportProvider;
import io.modelcontextprotocol.spec.McpSchema;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;

/**
 * Runs one sample server as its own process:
 * {@code SampleServerMain <crm|payments|tickets|calendar> (--stdio | --http PORT) [--simulate-refund-timeout[=MS]]
 * [--token-env VAR]}.
 */
public final class SampleServerMain {
    private static final String USAGE =
            "usage: SampleServerMain <crm|payments|tickets|calendar> (--stdio | --http PORT)"
                    + " [--simulate-refund-timeout[=MS]] [--token-env VAR]";

    private SampleServerMain() {}

    public static void main(String[] args) throws InterruptedException {
        Invocation invocation;
        try {
            invocation = Invocation.parse(args);
        } catch (IllegalArgumentException e) {
            System.err.println(e.getMessage());
            System.err.println(USAGE);
            System.exit(2);
            return;
        }
        SampleServer server = SampleServer.named(invocation.name(), invocation.options());
        if (invocation.httpPort().isPresent()) {
            HttpSampleServer http =
                    HttpSampleServer.start(server, invocation.httpPort().get(), invocation.token());
            Runtime.getRuntime().addShutdownHook(new Thread(http::close, "sample-server-stop"));
            System.out.println("sample server " + server.name() + " listening on " + http.endpoint());
        } else {
            McpSyncServer mcp = McpServer.sync(new StdioServerTransportProvider(McpJsonDefaults.getMapper()))
                    .serverInfo(server.name(), "1.0.0")
                    .instructions(server.instructions())
                    .capabilities(
                            McpSchema.ServerCapabilities.builder().tools(false).build())
                    .tools(server.tools())
                    .build();
            Runtime.getRuntime().addShutdownHook(new Thread(mcp::close, "sample-server-stop"));
        }
        new CountDownLatch(1).await();
    }

    /** The parsed command line. */
    record Invocation(String name, Optional<Integer> httpPort, SampleServerOptions options, Optional<String> token) {
        static Invocation parse(String[] args) {
            if (args.length == 0) {
                throw new IllegalArgumentException("which server? one of " + SampleServer.NAMES);
            }
            String name = args[0];
            if (!SampleServer.NAMES.contains(name)) {
                throw new IllegalArgumentException(
                        "unknown sample server '" + name + "'; one of " + SampleServer.NAMES);
            }
            Optional<Integer> port = Optional.empty();
            boolean stdio = false;
            SampleServerOptions options = SampleServerOptions.NORMAL;
            Optional<String> token = Optional.empty();
            for (int i = 1; i < args.length; i++) {
                String arg = args[i];
                if (arg.equals("--stdio")) {
                    stdio = true;
                } else if (arg.equals("--http") && i + 1 < args.length) {
                    port = Optional.of(port(args[++i]));
                } else if (arg.equals("--simulate-refund-timeout")) {
                    options = SampleServerOptions.refundTimeouts(Duration.ofMillis(250));
                } else if (arg.startsWith("--simulate-refund-timeout=")) {
                    options = SampleServerOptions.refundTimeouts(
                            Duration.ofMillis(port(arg.substring(arg.indexOf('=') + 1))));
                } else if (arg.equals("--token-env") && i + 1 < args.length) {
                    String var = args[++i];
                    token = Optional.ofNullable(System.getenv(var));
                    if (token.isEmpty()) {
                        throw new IllegalArgumentException("environment variable " + var + " is not set");
                    }
                } else {
                    throw new IllegalArgumentException("unexpected argument '" + arg + "'");
                }
            }
            if (stdio == port.isPresent()) {
                throw new IllegalArgumentException("choose exactly one of --stdio and --http PORT");
            }
            return new Invocation(name, port, options, token);
        }

        private static int port(String text) {
            try {
                int n = Integer.parseInt(text);
                if (n < 0 || n > 65_535) {
                    throw new IllegalArgumentException("'" + text + "' is not a port number");
                }
                return n;
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("'" + text + "' is not a number");
            }
        }
    }
}
