package dev.tollgate.engine;

import dev.tollgate.audit.AuditQuery;
import dev.tollgate.audit.AuditRecord;
import dev.tollgate.events.EngineEvent;
import dev.tollgate.testing.AgentClient;
import dev.tollgate.testing.EverythingServer;
import dev.tollgate.testing.FaultyMcpServer;
import dev.tollgate.testing.FaultyMcpServer.Fault;
import io.modelcontextprotocol.spec.McpSchema;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;

/**
 * The short fault campaign whose figures are in docs/reliability.md: one Tollgate in front of the fault-injecting
 * server and server-everything (Node, HTTP), an agent calling through it while faults are injected. Prints, per
 * phase, what was injected, what the agent saw and what the audit holds. Run with the test classpath:
 * {@code java -cp proxy-engine/target/classes:proxy-engine/target/test-classes:$(cat cp.txt) dev.tollgate.engine.FaultCampaign}.
 */
public final class FaultCampaign {
    private static final String KEY = "campaign-key";
    private final List<String> rows = new ArrayList<>();
    private final List<EngineEvent.UpstreamStateChanged> states = new CopyOnWriteArrayList<>();

    private FaultCampaign() {}

    public static void main(String[] args) throws Exception {
        new FaultCampaign().run();
        System.exit(0);
    }

    /** What the agent saw over a series of calls. */
    private static final class Seen {
        int ok;
        int isError;
        final Map<String, Integer> texts = new TreeMap<>();
        long millis;

        void add(McpSchema.CallToolResult r) {
            if (Boolean.TRUE.equals(r.isError())) {
                isError++;
                String t = AgentClient.text(r).replaceAll("\\d+", "N");
                texts.merge(t.length() > 110 ? t.substring(0, 110) + "…" : t, 1, Integer::sum);
            } else {
                ok++;
            }
        }

        String summary() {
            StringBuilder s = new StringBuilder(ok + " ok, " + isError + " isError");
            texts.forEach((t, n) -> s.append("<br>")
                    .append(n)
                    .append("× `")
                    .append(t.replace("|", "\\|"))
                    .append('`'));
            return s.toString();
        }
    }

    private Seen calls(int n, Supplier<McpSchema.CallToolResult> call, Duration pause) throws InterruptedException {
        Seen seen = new Seen();
        long start = System.nanoTime();
        for (int i = 0; i < n; i++) {
            seen.add(call.get());
            if (!pause.isZero()) {
                Thread.sleep(pause.toMillis());
            }
        }
        seen.millis = (System.nanoTime() - start) / 1_000_000;
        return seen;
    }

    private void row(String phase, String injected, Seen seen, String extra) {
        rows.add("| " + phase + " | " + injected + " | " + seen.summary() + " | " + seen.millis + " ms | " + extra
                + " |");
    }

    private void run() throws Exception {
        Path dir = Files.createTempDirectory("tollgate-campaign");
        try (FaultyMcpServer faulty = FaultyMcpServer.start(Duration.ofSeconds(1));
                EverythingServer everything = EverythingServer.startOnFreePort()) {
            String config = "listen: 127.0.0.1:0\n"
                    + "audit:\n  url: \"jdbc:h2:file:"
                    + dir.resolve("audit").toString().replace('\\', '/') + "\"\n"
                    + "servers:\n"
                    + "  faulty: { url: \"" + faulty.url()
                    + "\", timeout: 2s, circuit: { failures: 5, coolDown: 5s } }\n"
                    + "  ev: { url: \"" + everything.url() + "\" }\n"
                    + "agents:\n  agent: { keys: [\"" + KEY + "\"], roles: [user] }\n"
                    + "roles:\n  user: { allow: [\"faulty.*\", \"ev.*\"] }\n";
            try (TollgateEngine engine = TollgateEngine.start(EngineConfigs.write(dir, config));
                    AutoCloseable sub = engine.events().subscribe(e -> {
                        if (e instanceof EngineEvent.UpstreamStateChanged s) {
                            states.add(s);
                        }
                    });
                    AgentClient agent =
                            AgentClient.connect(engine.endpoint().orElseThrow().toString(), KEY)) {
                // Unique arguments on every call: identical ones would soon be stopped by the loop breaker.
                AtomicInteger n = new AtomicInteger();
                Supplier<McpSchema.CallToolResult> echo =
                        () -> agent.call("faulty__echo", Map.of("text", "call " + n.incrementAndGet()));
                Supplier<McpSchema.CallToolResult> evEcho =
                        () -> agent.call("ev__echo", Map.of("message", "call " + n.incrementAndGet()));

                row("baseline", "none", calls(200, echo, Duration.ZERO), "");
                row(
                        "idle keep-alive close (fault server, 1 s)",
                        "a pause of 1.2 s before each call",
                        calls(10, echo, Duration.ofMillis(1_200)),
                        "");
                row(
                        "idle keep-alive close (server-everything, Node 5 s)",
                        "a pause of 6 s before each call",
                        calls(4, evEcho, Duration.ofSeconds(6)),
                        "");

                faulty.kill();
                int before = states.size();
                Seen down = calls(10, echo, Duration.ofMillis(200));
                long restartAt = System.nanoTime();
                faulty.start();
                long recovered = firstSuccess(echo, restartAt);
                row(
                        "upstream killed, restarted on its port",
                        "SIGKILL-like close of every socket; 10 calls while down",
                        down,
                        "first success " + recovered + " ms after the restart; states: "
                                + stateTrail(before, "faulty"));

                before = states.size();
                int reached = faulty.toolCalls();
                faulty.fault(Fault.HANG);
                Seen hang = calls(12, echo, Duration.ZERO);
                faulty.fault(Fault.NONE);
                row(
                        "hang",
                        "tools/call never answered (server timeout 2 s, circuit 5 failures / 5 s)",
                        hang,
                        (faulty.toolCalls() - reached) + " of the 12 calls reached the server; states: "
                                + stateTrail(before, "faulty"));
                long probed = firstSuccess(echo, System.nanoTime());
                row(
                        "hang cleared",
                        "none",
                        calls(20, echo, Duration.ZERO),
                        "first success (the half-open probe) " + probed + " ms after the fault was cleared; states: "
                                + stateTrail(before, "faulty"));

                for (Fault f : List.of(Fault.GARBAGE, Fault.WRONG_ID, Fault.HTTP_500, Fault.CLOSE_MID_ANSWER)) {
                    before = states.size();
                    faulty.fault(f);
                    Seen bad = calls(3, echo, Duration.ZERO);
                    faulty.fault(Fault.NONE);
                    long back = firstSuccess(echo, System.nanoTime());
                    Seen after = calls(20, echo, Duration.ZERO);
                    row(
                            f.name().toLowerCase(Locale.ROOT).replace('_', ' '),
                            "3 calls answered that way",
                            bad,
                            "fault cleared: first success after " + back + " ms, then 20 calls: " + after.ok
                                    + " ok; states: " + stateTrail(before, "faulty"));
                }
                Map<String, Integer> byStatus = new TreeMap<>();
                List<AuditRecord> records = engine.audit().query(AuditQuery.all());
                for (AuditRecord r : records) {
                    byStatus.merge(r.qualifiedTool() + " " + r.decision() + "/" + r.status(), 1, Integer::sum);
                }
                System.out.println("| phase | injected | agent saw | wall time | notes |");
                System.out.println("|---|---|---|---|---|");
                rows.forEach(System.out::println);
                System.out.println();
                System.out.println("audit: " + records.size() + " records " + byStatus + "; chain "
                        + (engine.audit().verify().firstBrokenId().isEmpty() ? "intact" : "BROKEN"));
            }
        }
    }

    /** Calls every 100 ms until one succeeds; the milliseconds from {@code since}, or -1 after 60 s. */
    private static long firstSuccess(Supplier<McpSchema.CallToolResult> call, long since) throws InterruptedException {
        for (int i = 0; i < 600; i++) {
            if (!Boolean.TRUE.equals(call.get().isError())) {
                return (System.nanoTime() - since) / 1_000_000;
            }
            Thread.sleep(100);
        }
        return -1;
    }

    private String stateTrail(int from, String server) {
        StringBuilder s = new StringBuilder();
        for (EngineEvent.UpstreamStateChanged e : states.subList(from, states.size())) {
            if (e.server().equals(server)) {
                s.append(s.length() == 0 ? "" : " → ").append(e.state());
            }
        }
        return s.length() == 0 ? "(no change)" : s.toString();
    }
}
