package dev.tollgate.upstream;

import dev.tollgate.pipeline.AgentChannel;
import dev.tollgate.pipeline.CancellationSignal;
import java.time.Duration;
import java.util.Map;

/**
 * Per-request settings for an upstream call: headers to inject (credentials; HTTP upstreams only),
 * the timeout, where messages the upstream sends about this request (progress, sampling) go, and the signal
 * that the agent cancelled it (the connection then cancels its own request upstream).
 */
public record RequestOptions(
        Map<String, String> headers, Duration timeout, AgentChannel related, CancellationSignal cancellation) {
    public RequestOptions {
        headers = Map.copyOf(headers);
    }

    /** Options for a request that cannot be cancelled. */
    public RequestOptions(Map<String, String> headers, Duration timeout, AgentChannel related) {
        this(headers, timeout, related, CancellationSignal.none());
    }

    public static RequestOptions of(Duration timeout) {
        return new RequestOptions(Map.of(), timeout, AgentChannel.DISCARD);
    }
}
