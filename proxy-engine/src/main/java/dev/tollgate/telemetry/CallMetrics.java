package dev.tollgate.telemetry;

import dev.tollgate.events.EngineEvent;
import dev.tollgate.pipeline.CallOutcome;
import dev.tollgate.pipeline.ToolCall;
import dev.tollgate.upstream.UpstreamState;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MultiGauge;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.Timer;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Supplier;

/**
 * The Prometheus meters: calls by agent, tool, decision, cause and status; call latency histograms; loop-breaker
 * trips; audit writer lag (from a call's outcome to its committed record); and, read when scraped, limit fill
 * levels and upstream states.
 */
final class CallMetrics {
    /** One label per state the upstreams report, so a dashboard always sees each upstream in exactly one. */
    private static final List<String> UPSTREAM_STATES =
            Arrays.stream(UpstreamState.values()).map(UpstreamState::wire).toList();

    private final PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    private final Supplier<Map<String, Double>> limitFill;
    private final Supplier<Map<String, String>> upstreamStates;
    private final MultiGauge fill;
    private final MultiGauge upstreams;
    private final Timer writerLag;

    CallMetrics(Supplier<Map<String, Double>> limitFill, Supplier<Map<String, String>> upstreamStates) {
        this.limitFill = limitFill;
        this.upstreamStates = upstreamStates;
        this.fill = MultiGauge.builder("tollgate.limit.fill")
                .description("How full the bucket the latest call under each limit drew from is (1 = next call waits)")
                .baseUnit("ratio")
                .register(registry);
        this.upstreams = MultiGauge.builder("tollgate.upstream.state")
                .description("1 for each upstream server's current state, 0 for its other states")
                .register(registry);
        this.writerLag = Timer.builder("tollgate.audit.writer.lag")
                .description("From a call's outcome to its audit record being final")
                .register(registry);
    }

    /** Counts one call through the chain; {@code outcome} is null when the chain itself failed. */
    void call(ToolCall call, CallOutcome outcome, Duration latency) {
        String agent = call.agentId();
        String tool = call.tool().qualified();
        String decision =
                outcome == null ? "error" : outcome.decision().verdict().wire();
        String cause = outcome == null
                ? "internal"
                : outcome.decision().reason().name().toLowerCase(Locale.ROOT);
        String status = outcome == null ? "error" : outcome.status().wire();
        Counter.builder("tollgate.calls")
                .description("Tool calls through the governing chain")
                .tags("agent", agent, "tool", tool, "decision", decision, "cause", cause, "status", status)
                .register(registry)
                .increment();
        Timer.builder("tollgate.call.duration")
                .description("Time from a call's arrival to its answer")
                .tags("agent", agent, "tool", tool, "decision", decision)
                .publishPercentileHistogram()
                .register(registry)
                .record(latency);
    }

    /** Engine events: trips of the loop breaker, and completed records for the writer's lag. */
    void event(EngineEvent event) {
        if (event instanceof EngineEvent.LoopBreakerTripped trip) {
            Counter.builder("tollgate.loop.breaker.trips")
                    .description("Times the loop breaker stopped a repeated call")
                    .tags("agent", trip.agentId(), "tool", trip.tool())
                    .register(registry)
                    .increment();
        } else if (event instanceof EngineEvent.CallCompleted completed) {
            Instant answered = completed.record().timestamp().plusNanos((long)
                    (completed.record().latencyMs() * 1_000_000));
            Duration lag = Duration.between(answered, completed.at());
            writerLag.record(lag.isNegative() ? Duration.ZERO : lag);
        }
    }

    /** The text exposition of every meter, gauges read now. */
    String scrape() {
        List<MultiGauge.Row<?>> fillRows = new ArrayList<>();
        limitFill.get().forEach((limit, level) -> fillRows.add(MultiGauge.Row.of(Tags.of("limit", limit), level)));
        fill.register(fillRows, true);
        List<MultiGauge.Row<?>> upstreamRows = new ArrayList<>();
        upstreamStates
                .get()
                .forEach((server, state) -> UPSTREAM_STATES.forEach(s -> upstreamRows.add(
                        MultiGauge.Row.of(Tags.of("server", server, "state", s), s.equals(state) ? 1 : 0))));
        upstreams.register(upstreamRows, true);
        return registry.scrape();
    }

    void close() {
        registry.close();
    }
}
