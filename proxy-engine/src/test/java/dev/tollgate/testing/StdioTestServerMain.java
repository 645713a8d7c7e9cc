package dev.tollgate.testing;

import dev.tollgate.testing.TestTools.TestTool;
import io.modelcontextprotocol.json.McpJsonDefaults;
import io.modelcontextprotocol.server.McpServer;
import io.modelcontextprotocol.server.McpServerFeatures;
import io.modelcontextprotocol.server.McpSyncServer;
import io.modelcontextprotocol.server.transport.StdioServerTransportProvider;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The {@link McpTestServer} tools served over stdio, for tests that start an MCP server as a child process.
 * Stdout carries only JSON-RPC; logs go to stderr. Arguments: {@code --prefix P}, {@code --tools a,b,c},
 * {@code --record FILE} (appends everything the client writes to stdin, so tests can see what reached the server).
 * The {@code whoami} tool reports environment variables (by name), which is how stdio credentials arrive.
 */
public final class StdioTestServerMain {
    private StdioTestServerMain() {}

    /** The command line that runs this server as a child process of the current JVM's classpath. */
    public static List<String> command(String... args) {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        List<String> command = new ArrayList<>(List.of(
                java,
                "-cp",
                System.getProperty("java.class.path"),
                "-Dslf4j.provider=org.slf4j.simple.SimpleServiceProvider",
                "-Dorg.slf4j.simpleLogger.logFile=System.err",
                StdioTestServerMain.class.getName()));
        command.addAll(List.of(args));
        return command;
    }

    public static void main(String[] args) throws InterruptedException, IOException {
        String prefix = "";
        OutputStream record = OutputStream.nullOutputStream();
        List<String> names = TestTools.ALL;
        for (int i = 0; i + 1 < args.length; i += 2) {
            if ("--prefix".equals(args[i])) {
                prefix = args[i + 1];
            } else if ("--tools".equals(args[i])) {
                names = List.of(args[i + 1].split(","));
            } else if ("--record".equals(args[i])) {
                record = Files.newOutputStream(
                        Path.of(args[i + 1]), StandardOpenOption.CREATE, StandardOpenOption.APPEND);
            }
        }
        AtomicInteger charges = new AtomicInteger();
        List<McpServerFeatures.SyncToolSpecification> specs = new ArrayList<>();
        for (TestTool t : TestTools.build(prefix, new LinkedHashSet<>(names), charges)) {
            specs.add(new McpServerFeatures.SyncToolSpecification(
                    t.tool(), (ex, req) -> t.behaviour().apply(req, Map.of(), ex::progressNotification)));
        }
        CountDownLatch stdinClosed = new CountDownLatch(1);
        StdioServerTransportProvider transport = new StdioServerTransportProvider(
                McpJsonDefaults.getMapper(), new EndAwareInput(System.in, stdinClosed, record), System.out);
        McpSyncServer server = McpServer.sync(transport)
                .serverInfo("tollgate-stdio-test-server", "1.0.0")
                .capabilities(TestTools.capabilities())
                .tools(specs)
                .resources(new McpServerFeatures.SyncResourceSpecification(
                        TestTools.resource(), (ex, req) -> TestTools.readResource()))
                .prompts(new McpServerFeatures.SyncPromptSpecification(
                        TestTools.prompt(), (ex, req) -> TestTools.getPrompt(req)))
                .build();
        // The SDK serves stdin on its own threads; like any stdio MCP server, exit once the client closes stdin.
        stdinClosed.await();
        server.close();
        System.exit(0);
    }

    /** Counts down when stdin ends, so an orphaned test server does not outlive its client; copies what it reads. */
    private static final class EndAwareInput extends FilterInputStream {
        private final CountDownLatch ended;
        private final OutputStream record;

        EndAwareInput(InputStream in, CountDownLatch ended, OutputStream record) {
            super(in);
            this.ended = ended;
            this.record = record;
        }

        @Override
        public int read() throws IOException {
            int b = super.read();
            if (b >= 0) {
                record.write(b);
                record.flush();
            }
            return seen(b);
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            int n = super.read(b, off, len);
            if (n > 0) {
                record.write(b, off, n);
                record.flush();
            }
            return seen(n);
        }

        private int seen(int n) {
            if (n < 0) {
                ended.countDown();
            }
            return n;
        }
    }
}
