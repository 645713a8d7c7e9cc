package dev.tollgate.telemetry;

import dev.tollgate.pipeline.CallOutcome;
import dev.tollgate.pipeline.CallStatus;
import dev.tollgate.pipeline.Interceptor;
import dev.tollgate.pipeline.ToolCall;
import dev.tollgate.upstream.UpstreamAuth;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.api.trace.Tracer;
import io.opentelemetry.api.trace.propagation.W3CTraceContextPropagator;
import io.opentelemetry.context.Context;
import io.opentelemetry.context.Scope;
import io.opentelemetry.context.propagation.TextMapGetter;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import tools.jackson.databind.JsonNode;

/**
 * The telemetry link, first in the chain: one span per tool call (child of the agent's {@code traceparent}, from
 * the HTTP request or {@code params._meta}), its trace context passed on to HTTP upstreams with the call's other
 * per-call headers, and the call counted and timed for the metrics.
 */
final class TelemetryInterceptor implements Interceptor {
    private static final W3CTraceContextPropagator W3C = W3CTraceContextPropagator.getInstance();
    private static final TextMapGetter<JsonNode> META = new TextMapGetter<>() {
        @Override
        public Iterable<String> keys(JsonNode meta) {
            return List.copyOf(meta.propertyNames());
        }

        @Override
        public String get(JsonNode meta, String key) {
            JsonNode value = meta == null ? null : meta.get(key);
            return value != null && value.isString() ? value.asString() : null;
        }
    };

    private final Optional<Tracer> tracer;
    private final Optional<CallMetrics> metrics;

    TelemetryInterceptor(Optional<Tracer> tracer, Optional<CallMetrics> metrics) {
        this.tracer = tracer;
        this.metrics = metrics;
    }

    @Override
    public CallOutcome intercept(Chain chain) {
        ToolCall call = chain.call();
        long started = System.nanoTime();
        Optional<Span> span = tracer.map(t -> start(t, call));
        Scope scope = span.map(Span::makeCurrent).orElse(null);
        ToolCall forwarded = span.isPresent() ? withTraceHeaders(call) : call;
        CallOutcome outcome = null;
        RuntimeException failure = null;
        try {
            outcome = chain.proceed(forwarded);
            return outcome;
        } catch (RuntimeException e) {
            failure = e;
            throw e;
        } finally {
            Duration latency = Duration.ofNanos(System.nanoTime() - started);
            CallOutcome finished = outcome;
            metrics.ifPresent(m -> m.call(call, finished, latency));
            if (span.isPresent()) {
                end(span.get(), finished, failure, latency);
                scope.close();
            }
        }
    }

    private static Span start(Tracer tracer, ToolCall call) {
        Context parent = Context.current();
        if (!Span.fromContext(parent).getSpanContext().isValid() && call.meta() != null) {
            parent = W3C.extract(parent, call.meta(), META);
        }
        return tracer.spanBuilder("tools/call " + call.tool().qualified())
                .setParent(parent)
                .setSpanKind(SpanKind.SERVER)
                .setAttribute("mcp.method.name", "tools/call")
                .setAttribute("mcp.session.id", call.sessionId())
                .setAttribute("gen_ai.tool.name", call.tool().qualified())
                .setAttribute("tollgate.agent", call.agentId())
                .setAttribute("tollgate.server", call.tool().server())
                .setAttribute("tollgate.tool", call.tool().qualified())
                .startSpan();
    }

    /** The span's context as {@code traceparent} for the upstream; credentials attached later are kept apart. */
    private static ToolCall withTraceHeaders(ToolCall call) {
        Map<String, String> headers = new LinkedHashMap<>(call.upstreamAuth().headers());
        W3C.inject(Context.current(), headers, Map::put);
        return call.withUpstreamAuth(new UpstreamAuth(headers));
    }

    private static void end(Span span, CallOutcome outcome, RuntimeException failure, Duration latency) {
        span.setAttribute("tollgate.latency_ms", latency.toNanos() / 1_000_000.0);
        if (outcome != null) {
            span.setAttribute("tollgate.decision", outcome.decision().verdict().wire());
            span.setAttribute("tollgate.rule", outcome.decision().rule());
            span.setAttribute("tollgate.cause", outcome.decision().reason().name());
            span.setAttribute("tollgate.status", outcome.status().wire());
            outcome.decision().source().ifPresent(s -> span.setAttribute("tollgate.rule_source", s));
            if (outcome.status() != CallStatus.SUCCESS) {
                span.setStatus(
                        StatusCode.ERROR,
                        outcome.decision().isBlocked()
                                ? "blocked"
                                : outcome.status().wire());
            }
        }
        if (failure != null) {
            span.recordException(failure);
            span.setStatus(StatusCode.ERROR, "internal error");
        }
        span.end();
    }
}
