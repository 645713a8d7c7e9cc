package dev.tollgate.upstream;

import dev.tollgate.pipeline.AgentChannel;
import java.time.Duration;
import java.util.Map;

/**
 * Per-request settings for an upstream call: headers to inject (credentials; HTTP upstreams only),
 * the timeout, and where messages the upstream sends about this request (progress, sampling) go.
 */
public record RequestOptions(Map<String, String> headers, Duration timeout, AgentChannel related) {
    public RequestOptions {
        headers = Map.copyOf(headers);
    }

    public static RequestOptions of(Duration timeout) {
        return new RequestOptions(Map.of(), timeout, AgentChannel.DISCARD);
    }
}
