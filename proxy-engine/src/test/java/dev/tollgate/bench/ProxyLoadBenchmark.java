package dev.tollgate.bench;

import dev.tollgate.audit.AuditQuery;
import dev.tollgate.config.ConfigLoader;
import dev.tollgate.engine.TollgateEngine;
import dev.tollgate.json.Json;
import dev.tollgate.testing.McpTestServer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import java.util.stream.Stream;
import okhttp3.ConnectionPool;
import okhttp3.MediaType;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.RequestBody;
import okhttp3.Response;
import org.HdrHistogram.Histogram;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * Load harness for the proxy's overhead: drives the same {@code tools/call} load, with the same client code,
 * once straight at an upstream MCP server and once through a real Tollgate (H2 file audit on) in front of
 * that server, and reports latency percentiles and throughput side by side.
 *
 * <p>Two phases per target: open loop at a fixed rate (latency measured from each call's intended send
 * time, so a stall counts against every call it delays: no coordinated omission), then closed loop with
 * K clients calling back to back (saturation throughput). Rounds alternate the order of the two targets so
 * drifting machine load does not favour either. Not a test: run it by hand (see BENCHMARKS.md).
 */
public final class ProxyLoadBenchmark {
    private static final MediaType JSON = MediaType.get("application/json");
    private static final String PROTOCOL = "2025-06-18";
    /** With {@code --modern}, agents speak the stateless revision to Tollgate (the upstream stays 2025-era). */
    private static final String MODERN = "2026-07-28";

    private static final String AGENT_KEY = "bench-agent-key";
    private static final String SERVER = "bench";
    private static final long HIGHEST_NANOS = TimeUnit.SECONDS.toNanos(60);
    /** Every call of the run echoes a text of its own: repeated identical calls would trip the loop breaker. */
    private static final AtomicLong CALL_TEXTS = new AtomicLong();

    private final Options options;
    private final OkHttpClient http;

    private ProxyLoadBenchmark(Options options) {
        this.options = options;
        this.http = new OkHttpClient.Builder()
                .connectionPool(new ConnectionPool(256, 5, TimeUnit.MINUTES))
                .connectTimeout(Duration.ofSeconds(10))
                .readTimeout(Duration.ofSeconds(60))
                .build();
    }

    public static void main(String[] args) throws Exception {
        Options options;
        try {
            options = Options.parse(args);
        } catch (IllegalArgumentException e) {
            System.err.println("ProxyLoadBenchmark: " + e.getMessage());
            System.exit(2);
            return;
        }
        System.exit(new ProxyLoadBenchmark(options).run());
    }

    private int run() throws Exception {
        Path dir = Files.createTempDirectory("tollgate-bench");
        try (McpTestServer upstream = McpTestServer.builder()
                        .tools("echo")
                        .stateless(options.stateless)
                        .recordRequests(false)
                        .start();
                TollgateEngine engine = TollgateEngine.start(new ConfigLoader().load(config(dir, upstream.url())))) {
            Target direct = new Target("direct", upstream.url(), "echo", false);
            Target proxied = new Target(
                    "tollgate", engine.endpoint().orElseThrow().toString(), SERVER + "__echo", options.modern);
            List<Target> targets = List.of(direct, proxied);
            System.out.printf(
                    Locale.ROOT,
                    "upstream %s (%s), tollgate %s (agents speak %s), audit %s%n",
                    upstream.url(),
                    options.stateless ? "stateless, JSON answers" : "stateful, SSE answers",
                    proxied.url,
                    options.modern ? MODERN : PROTOCOL,
                    dir.resolve("audit.mv.db"));

            System.out.printf(
                    Locale.ROOT,
                    "warm-up: %d s per target at %d calls/s, then %d s closed loop%n",
                    options.warmupSeconds,
                    options.rate,
                    options.warmupSeconds);
            for (Target t : targets) {
                openLoop(t, options.rate, options.warmupSeconds, new Histogram(HIGHEST_NANOS, 3));
                closedLoop(t, options.clients, options.warmupSeconds, new Histogram(HIGHEST_NANOS, 3));
            }

            Result[] fixed = {new Result(), new Result()};
            Result[] saturated = {new Result(), new Result()};
            int slice = Math.max(1, options.seconds / options.rounds);
            for (int round = 0; round < options.rounds; round++) {
                List<Integer> order = round % 2 == 0 ? List.of(0, 1) : List.of(1, 0);
                for (int i : order) {
                    System.out.printf(
                            Locale.ROOT,
                            "round %d/%d: %s open loop %d calls/s for %d s%n",
                            round + 1,
                            options.rounds,
                            targets.get(i).name,
                            options.rate,
                            slice);
                    fixed[i].add(openLoop(targets.get(i), options.rate, slice, fixed[i].latency));
                }
                for (int i : order) {
                    System.out.printf(
                            Locale.ROOT,
                            "round %d/%d: %s closed loop, %d clients for %d s%n",
                            round + 1,
                            options.rounds,
                            targets.get(i).name,
                            options.clients,
                            slice);
                    saturated[i].add(closedLoop(targets.get(i), options.clients, slice, saturated[i].latency));
                }
            }
            report(fixed[0], fixed[1], saturated[0], saturated[1]);
            long audited = engine.audit().count(AuditQuery.all());
            System.out.printf(Locale.ROOT, "audit records written by Tollgate: %,d%n", audited);
            return fixed[0].errors + fixed[1].errors + saturated[0].errors + saturated[1].errors == 0 ? 0 : 1;
        } finally {
            deleteTree(dir);
        }
    }

    private static Path config(Path dir, String upstreamUrl) throws IOException {
        String yaml = "listen: 127.0.0.1:0\n"
                + "audit:\n  url: \"jdbc:h2:file:"
                + dir.resolve("audit").toString().replace('\\', '/') + "\"\n"
                + "servers:\n"
                + "  " + SERVER + ": { url: \"" + upstreamUrl + "\" }\n"
                + "agents:\n"
                + "  bench-agent: { keys: [\"" + AGENT_KEY + "\"], roles: [bench] }\n"
                + "roles:\n"
                + "  bench:\n"
                + "    allow: [\"" + SERVER + ".echo\"]\n";
        Path file = dir.resolve("tollgate.yaml");
        Files.writeString(file, yaml);
        return file;
    }

    // ---- load shapes

    /** What one phase against one target did: calls completed, failed, and its wall-clock time. */
    private record Run(long calls, long errors, long nanos) {}

    /** Calls at a fixed rate; each call's latency counts from when it was due, not from when it was sent. */
    private Run openLoop(Target target, int rate, int seconds, Histogram latency) throws InterruptedException {
        long total = (long) rate * seconds;
        long periodNanos = TimeUnit.SECONDS.toNanos(1) / rate;
        AtomicLong nextTicket = new AtomicLong();
        long start = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(20);
        Run run = drive(
                connect(target, options.openLoopClients), "bench-open-" + target.name, latency, (client, mine) -> {
                    long ticket;
                    long errors = 0;
                    while ((ticket = nextTicket.getAndIncrement()) < total) {
                        long due = start + ticket * periodNanos;
                        long wait;
                        while ((wait = due - System.nanoTime()) > 0) {
                            LockSupport.parkNanos(wait);
                        }
                        errors += client.call(ticket) ? 0 : 1;
                        mine.recordValue(Math.min(System.nanoTime() - due, HIGHEST_NANOS));
                    }
                    return errors;
                });
        return new Run(run.calls, run.errors, System.nanoTime() - start);
    }

    /** {@code clients} callers each sending their next call as soon as the previous one is answered. */
    private Run closedLoop(Target target, int clientCount, int seconds, Histogram latency) throws InterruptedException {
        AtomicLong tickets = new AtomicLong();
        List<Client> clients = connect(target, clientCount);
        long start = System.nanoTime();
        long end = start + TimeUnit.SECONDS.toNanos(seconds);
        Run run = drive(clients, "bench-closed-" + target.name, latency, (client, mine) -> {
            long errors = 0;
            while (System.nanoTime() < end) {
                long sent = System.nanoTime();
                errors += client.call(tickets.getAndIncrement()) ? 0 : 1;
                mine.recordValue(Math.min(System.nanoTime() - sent, HIGHEST_NANOS));
            }
            return errors;
        });
        return new Run(run.calls, run.errors, System.nanoTime() - start);
    }

    /** What one caller thread does with its client: records into its own histogram, returns its failures. */
    private interface Caller {
        long callUntilDone(Client client, Histogram latency);
    }

    /** One thread per client, each with its own histogram (no shared lock on the measuring path), merged at the end. */
    private Run drive(List<Client> clients, String threadName, Histogram into, Caller caller)
            throws InterruptedException {
        List<Thread> threads = new ArrayList<>();
        List<Histogram> histograms = new ArrayList<>();
        AtomicLong errors = new AtomicLong();
        long started = System.nanoTime();
        for (Client client : clients) {
            Histogram mine = new Histogram(HIGHEST_NANOS, 3);
            histograms.add(mine);
            Thread t = new Thread(() -> errors.addAndGet(caller.callUntilDone(client, mine)), threadName);
            t.setDaemon(true);
            threads.add(t);
            t.start();
        }
        long calls = 0;
        for (int i = 0; i < threads.size(); i++) {
            threads.get(i).join();
            into.add(histograms.get(i));
            calls += histograms.get(i).getTotalCount();
        }
        clients.forEach(Client::endSession);
        return new Run(calls - errors.get(), errors.get(), System.nanoTime() - started);
    }

    private List<Client> connect(Target target, int count) {
        List<Client> clients = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            clients.add(new Client(target));
        }
        return clients;
    }

    // ---- the MCP client: raw Streamable HTTP, identical for both targets

    /** Where calls go: the MCP endpoint, the name the echo tool has there, and whether agents speak 2026-07-28. */
    private record Target(String name, String url, String tool, boolean modern) {}

    /** One agent: a session initialised once, then {@code tools/call echo} over keep-alive connections. */
    private final class Client {
        private final Target target;
        private final String sessionId;

        Client(Target target) {
            this.target = target;
            if (target.modern) {
                this.sessionId = null;
                return;
            }
            ObjectNode params = Json.MAPPER.createObjectNode();
            params.put("protocolVersion", PROTOCOL);
            params.putObject("capabilities");
            params.putObject("clientInfo").put("name", "tollgate-bench").put("version", "1");
            try (Response response = post(request(0, "initialize", params), null)) {
                if (response.code() != 200) {
                    throw new IllegalStateException(target.name + ": initialize got HTTP " + response.code());
                }
                this.sessionId = response.header("Mcp-Session-Id");
                answer(response);
            } catch (IOException e) {
                throw new UncheckedIOException(target.name + ": initialize failed", e);
            }
            ObjectNode initialized = Json.MAPPER.createObjectNode();
            initialized.put("jsonrpc", "2.0").put("method", "notifications/initialized");
            try (Response response = post(initialized, sessionId)) {
                if (response.code() / 100 != 2) {
                    throw new IllegalStateException(
                            target.name + ": notifications/initialized got HTTP " + response.code());
                }
            } catch (IOException e) {
                throw new UncheckedIOException(target.name + ": notifications/initialized failed", e);
            }
        }

        /** One echo call; true when the answer is the echoed text. */
        boolean call(long n) {
            String text = "call-" + n + "-" + CALL_TEXTS.incrementAndGet();
            ObjectNode params = Json.MAPPER.createObjectNode();
            params.put("name", target.tool);
            params.putObject("arguments").put("text", text);
            if (target.modern) {
                ObjectNode meta = params.putObject("_meta");
                meta.put("io.modelcontextprotocol/protocolVersion", MODERN);
                meta.putObject("io.modelcontextprotocol/clientCapabilities");
            }
            try (Response response = post(request(n + 1, "tools/call", params), sessionId)) {
                if (response.code() != 200) {
                    return false;
                }
                JsonNode result = answer(response).path("result");
                return !result.path("isError").asBoolean(false)
                        && text.equals(
                                result.path("content").path(0).path("text").asString(""));
            } catch (IOException | RuntimeException e) {
                return false;
            }
        }

        /** Ends the session (HTTP DELETE) so sessions do not pile up over the phases of a run. */
        void endSession() {
            if (sessionId == null) {
                return;
            }
            Request delete = new Request.Builder()
                    .url(target.url)
                    .delete()
                    .header("Authorization", "Bearer " + AGENT_KEY)
                    .header("MCP-Protocol-Version", PROTOCOL)
                    .header("Mcp-Session-Id", sessionId)
                    .build();
            try (Response response = http.newCall(delete).execute()) {
                if (response.code() / 100 != 2) {
                    System.err.printf(
                            Locale.ROOT,
                            "%s: ending session %s got HTTP %d%n",
                            target.name,
                            sessionId,
                            response.code());
                }
            } catch (IOException e) {
                System.err.printf(Locale.ROOT, "%s: ending session %s failed: %s%n", target.name, sessionId, e);
            }
        }

        private ObjectNode request(long id, String method, ObjectNode params) {
            ObjectNode message = Json.MAPPER.createObjectNode();
            message.put("jsonrpc", "2.0").put("id", id).put("method", method);
            message.set("params", params);
            return message;
        }

        private Response post(ObjectNode message, String session) throws IOException {
            Request.Builder builder = new Request.Builder()
                    .url(target.url)
                    .header("Accept", "application/json, text/event-stream")
                    .header("Authorization", "Bearer " + AGENT_KEY)
                    .header("MCP-Protocol-Version", target.modern ? MODERN : PROTOCOL)
                    .post(RequestBody.create(Json.write(message).getBytes(StandardCharsets.UTF_8), JSON));
            if (target.modern) {
                builder.header("Mcp-Method", message.path("method").asString())
                        .header("Mcp-Name", message.path("params").path("name").asString());
            }
            if (session != null) {
                builder.header("Mcp-Session-Id", session);
            }
            return http.newCall(builder.build()).execute();
        }

        /** The JSON-RPC answer, whether the server sent it as a JSON body or as an SSE event. */
        private JsonNode answer(Response response) throws IOException {
            String body = response.body().string();
            String type = response.header("Content-Type", "");
            if (!type.startsWith("text/event-stream")) {
                return Json.parse(body);
            }
            for (String line : body.split("\n")) {
                if (line.startsWith("data:")) {
                    JsonNode event = Json.parse(line.substring(5).trim());
                    if (event.has("result") || event.has("error")) {
                        return event;
                    }
                }
            }
            throw new IOException(target.name + ": no JSON-RPC answer in the event stream");
        }
    }

    // ---- reporting

    /** The latency histogram and counts of one phase against one target, summed over rounds. */
    private static final class Result {
        final Histogram latency = new Histogram(HIGHEST_NANOS, 3);
        long calls;
        long errors;
        long nanos;

        void add(Run run) {
            calls += run.calls;
            errors += run.errors;
            nanos += run.nanos;
        }

        double throughput() {
            return calls / (nanos / 1e9);
        }
    }

    private void report(Result directFixed, Result proxyFixed, Result directSaturated, Result proxySaturated) {
        System.out.println();
        System.out.printf(
                Locale.ROOT,
                "## Results (%s, %d s per target per phase, %d rounds)%n",
                Instant.now(),
                options.seconds,
                options.rounds);
        System.out.println();
        System.out.printf(
                Locale.ROOT,
                "Fixed rate %,d calls/s, %d callers, latency from intended send time (ms)%n%n",
                options.rate,
                options.openLoopClients);
        table(directFixed, proxyFixed);
        System.out.println();
        System.out.printf(Locale.ROOT, "Saturation, %d closed-loop clients (ms)%n%n", options.clients);
        table(directSaturated, proxySaturated);
        System.out.println();
        System.out.printf(
                Locale.ROOT,
                "Saturation throughput: direct %,.0f calls/s, tollgate %,.0f calls/s, " + "ratio %.2f×%n",
                directSaturated.throughput(),
                proxySaturated.throughput(),
                proxySaturated.throughput() / directSaturated.throughput());
        System.out.printf(
                Locale.ROOT,
                "Fixed-rate achieved: direct %,.0f calls/s, tollgate %,.0f calls/s%n",
                directFixed.throughput(),
                proxyFixed.throughput());
        System.out.printf(
                Locale.ROOT,
                "Errors: fixed direct %d, fixed tollgate %d, saturation direct %d, " + "saturation tollgate %d%n",
                directFixed.errors,
                proxyFixed.errors,
                directSaturated.errors,
                proxySaturated.errors);
        System.out.printf(
                Locale.ROOT,
                "JVM: %s %s, %d processors, load average at the end %.2f%n",
                System.getProperty("java.vm.name"),
                System.getProperty("java.version"),
                Runtime.getRuntime().availableProcessors(),
                ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage());
    }

    private static void table(Result direct, Result proxy) {
        System.out.println("| | calls | p50 | p90 | p99 | p99.9 | max |");
        System.out.println("|---|---:|---:|---:|---:|---:|---:|");
        row("direct", direct.calls, direct.latency);
        row("through Tollgate", proxy.calls, proxy.latency);
        double[] percentiles = {50, 90, 99, 99.9};
        StringBuilder added = new StringBuilder("| added by Tollgate | |");
        for (double p : percentiles) {
            added.append(ms(proxy.latency.getValueAtPercentile(p) - direct.latency.getValueAtPercentile(p)))
                    .append(" |");
        }
        added.append(ms(proxy.latency.getMaxValue() - direct.latency.getMaxValue()))
                .append(" |");
        System.out.println(added);
    }

    private static void row(String name, long calls, Histogram h) {
        System.out.printf(
                Locale.ROOT,
                "| %s | %,d |%s |%s |%s |%s |%s |%n",
                name,
                calls,
                ms(h.getValueAtPercentile(50)),
                ms(h.getValueAtPercentile(90)),
                ms(h.getValueAtPercentile(99)),
                ms(h.getValueAtPercentile(99.9)),
                ms(h.getMaxValue()));
    }

    private static String ms(long nanos) {
        return String.format(Locale.ROOT, " %.2f", nanos / 1e6);
    }

    private static void deleteTree(Path dir) throws IOException {
        try (Stream<Path> paths = Files.walk(dir)) {
            for (Path p : paths.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        }
    }

    /** Command-line options; every one has a default so the bare command runs the documented benchmark. */
    private static final class Options {
        int seconds = 20;
        int warmupSeconds = 10;
        int rate = 1000;
        int clients = 16;
        int openLoopClients = 32;
        int rounds = 2;
        boolean stateless = true;
        boolean modern;

        static Options parse(String[] args) {
            Options o = new Options();
            for (int i = 0; i < args.length; i++) {
                String name = args[i];
                if (name.equals("--stateful")) {
                    o.stateless = false;
                    continue;
                }
                if (name.equals("--modern")) {
                    o.modern = true;
                    continue;
                }
                if (i + 1 >= args.length) {
                    throw new IllegalArgumentException(name + " needs a value");
                }
                int value;
                try {
                    value = Integer.parseInt(args[++i]);
                } catch (NumberFormatException e) {
                    throw new IllegalArgumentException(name + " needs a whole number, got '" + args[i] + "'");
                }
                if (value <= 0) {
                    throw new IllegalArgumentException(name + " must be positive");
                }
                switch (name) {
                    case "--seconds" -> o.seconds = value;
                    case "--warmup" -> o.warmupSeconds = value;
                    case "--rate" -> o.rate = value;
                    case "--clients" -> o.clients = value;
                    case "--callers" -> o.openLoopClients = value;
                    case "--rounds" -> o.rounds = value;
                    default ->
                        throw new IllegalArgumentException(
                                "unknown option " + name
                                        + "; known: --seconds --warmup --rate --clients --callers --rounds --stateful --modern");
                }
            }
            return o;
        }
    }
}
