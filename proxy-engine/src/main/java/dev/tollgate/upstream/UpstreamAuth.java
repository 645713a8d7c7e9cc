package dev.tollgate.upstream;

import java.util.Map;

/**
 * Credentials to present to the upstream for one call (injected by the credential link, never by the
 * agent). toString hides the values so a logged call cannot leak them.
 */
public record UpstreamAuth(Map<String, String> headers) {
    public static final UpstreamAuth NONE = new UpstreamAuth(Map.of());

    public UpstreamAuth {
        headers = Map.copyOf(headers);
    }

    @Override
    public String toString() {
        return "UpstreamAuth[headers=" + headers.keySet() + "]";
    }
}
