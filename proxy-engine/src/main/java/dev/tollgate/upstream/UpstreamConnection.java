package dev.tollgate.upstream;

import java.time.Instant;
import java.util.Optional;
import java.util.function.Consumer;
import tools.jackson.databind.JsonNode;

/**
 * One initialized MCP client session from Tollgate to an upstream server, shared by all agent sessions.
 * JSON-RPC ids are Tollgate's own on this connection; callers never see them.
 */
public interface UpstreamConnection extends AutoCloseable {
    String server();

    /** The upstream's {@code initialize} result (serverInfo, capabilities, protocolVersion). */
    JsonNode initializeResult();

    /** Sends a request and blocks until its answer, the timeout, or the connection's death. */
    UpstreamResponse request(String method, JsonNode params, RequestOptions options) throws UpstreamException;

    /** Sends a notification (e.g. notifications/cancelled) to the upstream. */
    void notify(String method, JsonNode params);

    /** Answers a server-to-client request (sampling, elicitation, roots) the upstream sent earlier. */
    void respond(JsonNode response);

    /** Receives messages the upstream sends outside any request (list_changed, logging, unrelated requests). */
    void onUnsolicited(Consumer<JsonNode> listener);

    boolean isAlive();

    /** While the connection is lost and re-establishing itself: when its next attempt is due. */
    default Optional<Instant> retryAt() {
        return Optional.empty();
    }

    /**
     * Hears the connection die, restart and re-initialize by itself (a stdio process restarted, an HTTP session
     * re-established). The default does nothing, for connections that never change state on their own.
     */
    default void onStateChange(UpstreamStateListener listener) {}

    @Override
    void close();
}
