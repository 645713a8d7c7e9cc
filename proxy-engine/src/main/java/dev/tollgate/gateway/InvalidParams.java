package dev.tollgate.gateway;

/** A bad parameter in an agent's request: answered as JSON-RPC Invalid params with this message. */
final class InvalidParams extends RuntimeException {
    private static final long serialVersionUID = 1L;

    InvalidParams(String message) {
        super(message, null, false, false);
    }
}
