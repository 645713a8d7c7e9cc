package dev.tollgate.upstream;

import dev.tollgate.config.ServerConfig;
import java.util.Map;
import okhttp3.Request;

/**
 * The one place an HTTP upstream's credentials go onto the wire. Every request a connection sends goes through
 * here: the calls the chain forwards and the connection's own session traffic (initialize, tools/list, the event
 * stream, notifications, a reconnect, the closing DELETE), which never passes through the chain. The server's
 * configured {@code headers} go first; a call's own credentials (an end user's or Tollgate's service-account token,
 * put in {@link UpstreamAuth} by the token links) replace a configured header of the same name. Each header is
 * set, never added, so it reaches the upstream once. Nothing the agent sent is among them, and the values are in
 * no record, log line or answer.
 */
final class UpstreamCredentials {
    private UpstreamCredentials() {}

    static void attach(Request.Builder request, ServerConfig server, Map<String, String> callCredentials) {
        server.headers().forEach(request::header);
        callCredentials.forEach(request::header);
    }
}
