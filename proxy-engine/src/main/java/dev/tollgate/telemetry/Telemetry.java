package dev.tollgate.telemetry;

import dev.tollgate.config.TollgateConfig;
import dev.tollgate.events.EventBus;
import dev.tollgate.pipeline.Interceptor;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.trace.Tracer;
import io.opentelemetry.exporter.otlp.http.trace.OtlpHttpSpanExporter;
import io.opentelemetry.exporter.otlp.http.trace.OtlpHttpSpanExporterBuilder;
import io.opentelemetry.sdk.resources.Resource;
import io.opentelemetry.sdk.trace.SdkTracerProvider;
import io.opentelemetry.sdk.trace.export.BatchSpanProcessor;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.eclipse.jetty.server.Handler;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What the {@code telemetry:} section turned on: OTLP span export and the Prometheus listener. With neither, it adds
 * nothing to the chain and costs nothing per call.
 */
public final class Telemetry implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(Telemetry.class);

    private final Optional<SdkTracerProvider> traces;
    private final Optional<CallMetrics> metrics;
    private final Optional<MetricsServer> server;
    private final Optional<AutoCloseable> subscription;

    private Telemetry(
            Optional<SdkTracerProvider> traces,
            Optional<CallMetrics> metrics,
            Optional<MetricsServer> server,
            Optional<AutoCloseable> subscription) {
        this.traces = traces;
        this.metrics = metrics;
        this.server = server;
        this.subscription = subscription;
    }

    /**
     * Starts what the configuration asks for. {@code limitFill} and {@code upstreamStates} (server to state) are
     * read whenever Prometheus scrapes.
     */
    public static Telemetry start(
            TollgateConfig config,
            EventBus events,
            Supplier<Map<String, Double>> limitFill,
            Supplier<Map<String, String>> upstreamStates)
            throws Exception {
        TelemetrySettings settings = TelemetrySettings.from(config);
        Optional<SdkTracerProvider> traces = settings.otlp().map(o -> tracerProvider(settings.serviceName(), o));
        Optional<CallMetrics> metrics = settings.metrics().map(m -> new CallMetrics(limitFill, upstreamStates));
        Optional<MetricsServer> server = Optional.empty();
        Optional<AutoCloseable> subscription = Optional.empty();
        if (metrics.isPresent()) {
            TelemetrySettings.Listen listen = settings.metrics().get();
            MetricsServer started = new MetricsServer(listen.host(), listen.port(), metrics.get()::scrape);
            try {
                started.start();
            } catch (Exception e) {
                traces.ifPresent(SdkTracerProvider::close);
                throw new IllegalStateException(
                        "cannot listen for metrics on " + listen.host() + ":" + listen.port() + ": " + e.getMessage(),
                        e);
            }
            server = Optional.of(started);
            subscription = Optional.of(events.subscribe(metrics.get()::event));
            LOG.info("Prometheus metrics on http://{}:{}/metrics", listen.host(), started.port());
        }
        traces.ifPresent(
                t -> LOG.info("exporting spans to {}", settings.otlp().get().tracesUrl()));
        return new Telemetry(traces, metrics, server, subscription);
    }

    private static SdkTracerProvider tracerProvider(String serviceName, TelemetrySettings.Otlp otlp) {
        OtlpHttpSpanExporterBuilder exporter =
                OtlpHttpSpanExporter.builder().setEndpoint(otlp.tracesUrl().toString());
        otlp.headers().forEach(exporter::addHeader);
        Resource resource = Resource.getDefault()
                .merge(Resource.create(Attributes.of(
                        AttributeKey.stringKey("service.name"),
                        serviceName,
                        AttributeKey.stringKey("service.instance.id"),
                        instanceId())));
        return SdkTracerProvider.builder()
                .setResource(resource)
                .addSpanProcessor(BatchSpanProcessor.builder(exporter.build()).build())
                .build();
    }

    /** Which of the team's instances sent a span: host and process. */
    private static String instanceId() {
        String host;
        try {
            host = InetAddress.getLocalHost().getHostName();
        } catch (UnknownHostException e) {
            host = "unknown-host";
        }
        return host + "/" + ProcessHandle.current().pid();
    }

    /** The chain's first link when anything is on: spans and/or call metrics. */
    public Optional<Interceptor> link() {
        if (traces.isEmpty() && metrics.isEmpty()) {
            return Optional.empty();
        }
        Optional<Tracer> tracer = traces.map(t -> t.get("dev.tollgate"));
        return Optional.of(new TelemetryInterceptor(tracer, metrics));
    }

    /** The MCP endpoint's handler, wrapped to pick up the agent's {@code traceparent} when spans are exported. */
    public Handler traceContext(Handler mcp) {
        return traces.isPresent() ? new TraceContextHandler(mcp) : mcp;
    }

    @Override
    public void close() throws Exception {
        if (subscription.isPresent()) {
            subscription.get().close();
        }
        if (server.isPresent()) {
            server.get().close();
        }
        traces.ifPresent(t -> t.shutdown().join(10, TimeUnit.SECONDS));
        metrics.ifPresent(CallMetrics::close);
    }
}
