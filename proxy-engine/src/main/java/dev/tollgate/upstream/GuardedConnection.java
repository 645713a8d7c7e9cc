package dev.tollgate.upstream;

import java.time.Instant;
import java.util.Optional;
import java.util.function.Consumer;
import tools.jackson.databind.JsonNode;

/**
 * An upstream connection as the registry hands it out: each request first asks the server's {@link CircuitBreaker}
 * (an open circuit fails it at once, saying when to retry) and then tells it how the request went.
 */
final class GuardedConnection implements UpstreamConnection {
    /** Hears the circuit open (with the end of its cool-down) or close again (empty). */
    @FunctionalInterface
    interface CircuitListener {
        void changed(Optional<Instant> openUntil, String why);
    }

    private final UpstreamConnection delegate;
    private final CircuitBreaker circuit;
    private final CircuitListener listener;

    GuardedConnection(UpstreamConnection delegate, CircuitBreaker circuit, CircuitListener listener) {
        this.delegate = delegate;
        this.circuit = circuit;
        this.listener = listener;
    }

    @Override
    public UpstreamResponse request(String method, JsonNode params, RequestOptions options) throws UpstreamException {
        Optional<CircuitBreaker.Rejection> rejected = circuit.admit();
        if (rejected.isPresent()) {
            throw new UpstreamException(
                    "upstream '" + server() + "' is not being called: "
                            + rejected.get().reason() + "; "
                            + RetryHint.at(rejected.get().retryAt()),
                    false,
                    null);
        }
        UpstreamResponse response;
        try {
            response = delegate.request(method, params, options);
        } catch (UpstreamException e) {
            if (options.cancellation().isCancelled()) {
                circuit.abandoned();
                throw e;
            }
            Optional<Instant> opened = circuit.failed(e.getMessage());
            if (opened.isPresent()) {
                listener.changed(opened, e.getMessage());
            }
            throw e;
        }
        if (circuit.succeeded()) {
            listener.changed(Optional.empty(), "a call succeeded");
        }
        return response;
    }

    @Override
    public String server() {
        return delegate.server();
    }

    @Override
    public JsonNode initializeResult() {
        return delegate.initializeResult();
    }

    @Override
    public void notify(String method, JsonNode params) {
        delegate.notify(method, params);
    }

    @Override
    public void respond(JsonNode response) {
        delegate.respond(response);
    }

    @Override
    public void onUnsolicited(Consumer<JsonNode> listener) {
        delegate.onUnsolicited(listener);
    }

    @Override
    public void onStateChange(UpstreamStateListener listener) {
        delegate.onStateChange(listener);
    }

    @Override
    public boolean isAlive() {
        return delegate.isAlive();
    }

    @Override
    public Optional<Instant> retryAt() {
        return delegate.retryAt();
    }

    /** Closing stays with the registry, which owns the connection. */
    @Override
    public void close() {}
}
