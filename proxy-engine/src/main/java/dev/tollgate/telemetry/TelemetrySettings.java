package dev.tollgate.telemetry;

import dev.tollgate.config.SourceMap;
import dev.tollgate.config.TollgateConfig;
import java.net.URI;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import tools.jackson.databind.JsonNode;

/**
 * The {@code telemetry:} section: OTLP trace export ({@code otlp.endpoint}, optional {@code otlp.headers}), the
 * Prometheus scrape listener ({@code metrics.listen: host:port}) and the {@code serviceName} spans carry. Each part
 * is off unless configured. Problems are {@code file:line} errors (unknown keys are {@code ConfigKeys}' to report).
 */
public record TelemetrySettings(String serviceName, Optional<Otlp> otlp, Optional<Listen> metrics) {
    public static final String DEFAULT_SERVICE_NAME = "tollgate";

    /** Where spans go: an OTLP/HTTP collector's traces URL, and headers (an API key) to send with them. */
    public record Otlp(URI tracesUrl, Map<String, String> headers) {
        public Otlp {
            headers = Map.copyOf(headers);
        }
    }

    /** The address the metrics listener binds. */
    public record Listen(String host, int port) {}

    public boolean enabled() {
        return otlp.isPresent() || metrics.isPresent();
    }

    public static TelemetrySettings from(TollgateConfig config) {
        JsonNode node = config.root().path("telemetry");
        SourceMap lines = config.sourceMap();
        if (node.isMissingNode() || node.isNull()) {
            return new TelemetrySettings(DEFAULT_SERVICE_NAME, Optional.empty(), Optional.empty());
        }
        if (!node.isObject()) {
            throw lines.error("/telemetry", "telemetry must be a mapping with otlp, metrics or serviceName");
        }
        String service = node.path("serviceName").asString(DEFAULT_SERVICE_NAME);
        return new TelemetrySettings(service, otlp(node.path("otlp"), lines), metrics(node.path("metrics"), lines));
    }

    private static Optional<Otlp> otlp(JsonNode node, SourceMap lines) {
        if (node.isMissingNode() || node.isNull()) {
            return Optional.empty();
        }
        String endpoint = node.path("endpoint").asString("");
        URI uri;
        try {
            uri = URI.create(endpoint.strip());
        } catch (IllegalArgumentException e) {
            throw lines.error("/telemetry/otlp/endpoint", "otlp.endpoint is not a URL: " + e.getMessage());
        }
        if (!"http".equals(uri.getScheme()) && !"https".equals(uri.getScheme())) {
            throw lines.error(
                    "/telemetry/otlp",
                    "otlp.endpoint must be an http:// or https:// URL of an OTLP/HTTP"
                            + " collector, e.g. http://127.0.0.1:4318, got '" + endpoint + "'");
        }
        String text = uri.toString().replaceAll("/+$", "");
        URI traces = URI.create(text.endsWith("/v1/traces") ? text : text + "/v1/traces");
        Map<String, String> headers = new LinkedHashMap<>();
        node.path("headers")
                .properties()
                .forEach(e -> headers.put(e.getKey(), e.getValue().asString()));
        return Optional.of(new Otlp(traces, headers));
    }

    private static Optional<Listen> metrics(JsonNode node, SourceMap lines) {
        if (node.isMissingNode() || node.isNull()) {
            return Optional.empty();
        }
        String listen = node.path("listen").asString("");
        int colon = listen.lastIndexOf(':');
        try {
            if (colon <= 0) {
                throw new NumberFormatException();
            }
            int port = Integer.parseInt(listen.substring(colon + 1));
            if (port < 0 || port > 65535) {
                throw new NumberFormatException();
            }
            return Optional.of(new Listen(listen.substring(0, colon), port));
        } catch (NumberFormatException e) {
            throw lines.error(
                    "/telemetry/metrics",
                    "metrics.listen must be host:port (e.g. 127.0.0.1:9464), got '" + listen + "'");
        }
    }
}
