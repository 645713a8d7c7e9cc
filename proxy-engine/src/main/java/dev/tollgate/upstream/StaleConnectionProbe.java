package dev.tollgate.upstream;

import java.net.InetSocketAddress;
import java.net.Proxy;
import okhttp3.Call;
import okhttp3.EventListener;
import okhttp3.Response;

/**
 * Watches one HTTP call to tell a stale pooled connection from a real failure: a call that reused an idle
 * connection and broke before any response header arrived met a socket the upstream had already closed
 * (Node closes idle keep-alive sockets after 5 s; OkHttp only health-checks connections idle for 10 s or more),
 * so the upstream never acted on it and the request may go again on a fresh connection.
 */
final class StaleConnectionProbe extends EventListener {
    private volatile boolean connected;
    private volatile boolean answered;

    @Override
    public void connectStart(Call call, InetSocketAddress address, Proxy proxy) {
        connected = true;
    }

    @Override
    public void responseHeadersEnd(Call call, Response response) {
        answered = true;
    }

    /** Whether the call failed on a reused connection before the upstream answered anything. */
    boolean failedOnIdleConnection() {
        return !connected && !answered;
    }
}
