package dev.tollgate.telemetry;

import io.opentelemetry.api.trace.propagation.W3CTraceContextPropagator;
import io.opentelemetry.context.Context;
import io.opentelemetry.context.Scope;
import io.opentelemetry.context.propagation.TextMapGetter;
import java.util.List;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;

/**
 * Makes the agent request's W3C trace context ({@code traceparent}, {@code tracestate} headers) current while the
 * MCP endpoint handles it; the endpoint runs a call's chain on the request's thread, so the call's span is its child.
 */
final class TraceContextHandler extends Handler.Wrapper {
    private static final TextMapGetter<Request> HEADERS = new TextMapGetter<>() {
        @Override
        public Iterable<String> keys(Request request) {
            return List.copyOf(request.getHeaders().getFieldNamesCollection());
        }

        @Override
        public String get(Request request, String key) {
            return request == null ? null : request.getHeaders().get(key);
        }
    };

    TraceContextHandler(Handler mcp) {
        super(mcp);
    }

    @Override
    public boolean handle(Request request, Response response, Callback callback) throws Exception {
        if (request.getHeaders().get("traceparent") == null) {
            return super.handle(request, response, callback);
        }
        Context context = W3CTraceContextPropagator.getInstance().extract(Context.root(), request, HEADERS);
        try (Scope ignored = context.makeCurrent()) {
            return super.handle(request, response, callback);
        }
    }
}
