package dev.tollgate.telemetry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.tollgate.config.ConfigLoader;
import dev.tollgate.engine.TollgateEngine;
import dev.tollgate.testing.AgentClient;
import dev.tollgate.testing.McpTestServer;
import dev.tollgate.testing.NpmPeers;
import dev.tollgate.testing.OtlpReceiver;
import dev.tollgate.testing.OtlpReceiver.ReceivedSpan;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Real calls through a real engine, then Prometheus scraped over HTTP and spans received over OTLP/HTTP. */
class TelemetryEngineTest {
    private static final String KEY = "billing-key-1";
    private static final String TRACE_ID = "4bf92f3577b34da6a3ce929d0e0e4736";
    private static final String PARENT_SPAN = "00f067aa0ba902b7";

    @TempDir
    Path dir;

    private McpTestServer crm;
    private OtlpReceiver otlp;
    private TollgateEngine engine;
    private int metricsPort;

    @BeforeEach
    void start() throws Exception {
        crm = McpTestServer.builder()
                .tools("echo", "add", "charge")
                .recordRequests(true)
                .start();
        otlp = new OtlpReceiver();
        metricsPort = NpmPeers.freePort();
        Path file = dir.resolve("tollgate.yaml");
        Files.writeString(
                file,
                "listen: 127.0.0.1:0\n"
                        + "audit: { url: \"jdbc:h2:file:"
                        + dir.resolve("audit").toString().replace('\\', '/') + "\" }\n"
                        + "servers: { crm: { url: \"" + crm.url() + "\" } }\n"
                        + "agents: { billing-agent: { keys: [\"" + KEY + "\"], roles: [billing] } }\n"
                        + "roles:\n"
                        + "  billing: { allow: [\"crm.echo\", \"crm.add\"], limits: { \"crm.echo\": \"2/h\" } }\n"
                        + "telemetry:\n"
                        + "  serviceName: tollgate-test\n"
                        + "  otlp: { endpoint: \"" + otlp.endpoint() + "\" }\n"
                        + "  metrics: { listen: \"127.0.0.1:" + metricsPort + "\" }\n");
        engine = TollgateEngine.start(new ConfigLoader().load(file));
    }

    @AfterEach
    void stop() throws Exception {
        if (engine != null) {
            engine.close();
        }
        otlp.close();
        crm.close();
    }

    private void makeCalls() {
        try (AgentClient agent = AgentClient.builder(
                        engine.endpoint().orElseThrow().toString())
                .bearer(KEY)
                .header("traceparent", "00-" + TRACE_ID + "-" + PARENT_SPAN + "-01")
                .connect()) {
            agent.call("crm__echo", Map.of("text", "a"));
            agent.call("crm__echo", Map.of("text", "b"));
            agent.call("crm__echo", Map.of("text", "c"));
            agent.call("crm__charge", Map.of("amount", 5));
            for (int i = 0; i < 6; i++) {
                agent.call("crm__add", Map.of("a", 1, "b", 2));
            }
        }
    }

    private String scrape() throws Exception {
        HttpResponse<String> response = HttpClient.newHttpClient()
                .send(
                        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + metricsPort + "/metrics"))
                                .GET()
                                .build(),
                        HttpResponse.BodyHandlers.ofString());
        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.headers().firstValue("Content-Type").orElse("")).startsWith("text/plain");
        return response.body();
    }

    /** The value of the sample of {@code metric} carrying all of {@code labels}, or -1 when there is none. */
    private static double sample(String scrape, String metric, Map<String, String> labels) {
        Pattern line = Pattern.compile("^" + Pattern.quote(metric) + "(?:\\{([^}]*)})? (\\S+)$", Pattern.MULTILINE);
        Matcher m = line.matcher(scrape);
        while (m.find()) {
            String found = m.group(1) == null ? "" : m.group(1);
            if (labels.entrySet().stream().allMatch(e -> found.contains(e.getKey() + "=\"" + e.getValue() + "\""))) {
                return Double.parseDouble(m.group(2));
            }
        }
        return -1;
    }

    @Test
    void prometheusCountsCallsByAgentToolDecisionAndCauseAfterRealCalls() throws Exception {
        makeCalls();
        String metrics = scrape();

        assertThat(sample(
                        metrics,
                        "tollgate_calls_total",
                        Map.of(
                                "agent",
                                "billing-agent",
                                "tool",
                                "crm.echo",
                                "decision",
                                "allowed",
                                "cause",
                                "none",
                                "status",
                                "success")))
                .isEqualTo(2.0);
        assertThat(sample(
                        metrics,
                        "tollgate_calls_total",
                        Map.of("tool", "crm.echo", "decision", "blocked", "cause", "rate_limit")))
                .isEqualTo(1.0);
        assertThat(sample(
                        metrics,
                        "tollgate_calls_total",
                        Map.of("tool", "crm.charge", "decision", "blocked", "cause", "policy")))
                .isEqualTo(1.0);
        assertThat(sample(metrics, "tollgate_calls_total", Map.of("tool", "crm.add", "decision", "allowed")))
                .isEqualTo(5.0);
        assertThat(sample(metrics, "tollgate_calls_total", Map.of("tool", "crm.add", "cause", "loop_breaker")))
                .isEqualTo(1.0);
        assertThat(sample(
                        metrics,
                        "tollgate_call_duration_seconds_count",
                        Map.of("tool", "crm.echo", "decision", "allowed")))
                .isEqualTo(2.0);
        assertThat(metrics).contains("tollgate_call_duration_seconds_bucket{");
        await().atMost(Duration.ofSeconds(20))
                .until(() -> sample(
                                scrape(),
                                "tollgate_loop_breaker_trips_total",
                                Map.of("agent", "billing-agent", "tool", "crm.add"))
                        == 1.0);
        assertThat(sample(metrics, "tollgate_limit_fill_ratio", Map.of("limit", "role billing limit crm.echo 2/h")))
                .isEqualTo(1.0);
        assertThat(sample(metrics, "tollgate_upstream_state", Map.of("server", "crm", "state", "connected")))
                .isEqualTo(1.0);
        for (String other : List.of("connecting", "reconnecting", "down", "closed")) {
            assertThat(sample(metrics, "tollgate_upstream_state", Map.of("server", "crm", "state", other)))
                    .isEqualTo(0.0);
        }
        await().atMost(Duration.ofSeconds(20))
                .until(() -> sample(scrape(), "tollgate_audit_writer_lag_seconds_count", Map.of()) == 10.0);
    }

    @Test
    void everyMetricTheGrafanaDashboardQueriesIsServed() throws Exception {
        makeCalls();
        String metrics = scrape();
        String dashboard = Files.readString(Path.of("../sample-data/grafana/tollgate-dashboard.json"));
        Matcher names = Pattern.compile("tollgate_[a-z_]+").matcher(dashboard);
        int checked = 0;
        while (names.find()) {
            assertThat(metrics).as("the dashboard queries %s", names.group()).contains("\n" + names.group());
            checked++;
        }
        assertThat(checked).isGreaterThan(10);
    }

    @Test
    void eachCallIsASpanUnderTheAgentsTraceAndTheUpstreamSeesItsContext() {
        makeCalls();
        await().atMost(Duration.ofSeconds(30)).until(() -> otlp.spans().size() >= 10);
        List<ReceivedSpan> echoes = otlp.spans().stream()
                .filter(s -> s.name().equals("tools/call crm.echo"))
                .toList();
        assertThat(echoes).hasSize(3);
        for (ReceivedSpan span : echoes) {
            assertThat(span.serviceName()).isEqualTo("tollgate-test");
            assertThat(span.serviceInstance())
                    .endsWith("/" + ProcessHandle.current().pid());
            assertThat(span.traceId()).isEqualTo(TRACE_ID);
            assertThat(span.parentSpanId()).isEqualTo(PARENT_SPAN);
            assertThat(span.attributes())
                    .containsEntry("tollgate.agent", "billing-agent")
                    .containsEntry("tollgate.server", "crm")
                    .containsEntry("tollgate.tool", "crm.echo")
                    .containsKeys("tollgate.rule", "tollgate.latency_ms");
        }
        assertThat(echoes)
                .extracting(s -> s.attributes().get("tollgate.decision"))
                .containsExactlyInAnyOrder("allowed", "allowed", "blocked");
        ReceivedSpan limited = echoes.stream()
                .filter(s -> "blocked".equals(s.attributes().get("tollgate.decision")))
                .findFirst()
                .orElseThrow();
        assertThat(limited.attributes())
                .containsEntry("tollgate.cause", "RATE_LIMIT")
                .containsEntry("tollgate.rule", "role billing limit crm.echo 2/h")
                .containsEntry("tollgate.status", "error");

        List<String> forwardedParents = crm.receivedRequests().stream()
                .filter(r -> r.body().contains("\"tools/call\"") && r.body().contains("\"echo\""))
                .map(r -> r.headers().getOrDefault("traceparent", ""))
                .toList();
        List<String> allowedSpans = echoes.stream()
                .filter(s -> "allowed".equals(s.attributes().get("tollgate.decision")))
                .map(s -> "00-" + TRACE_ID + "-" + s.spanId() + "-01")
                .toList();
        assertThat(forwardedParents).containsExactlyInAnyOrderElementsOf(allowedSpans);
    }
}
