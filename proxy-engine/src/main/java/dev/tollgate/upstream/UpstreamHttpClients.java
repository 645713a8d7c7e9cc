package dev.tollgate.upstream;

import java.time.Duration;
import java.util.concurrent.TimeUnit;
import okhttp3.ConnectionPool;
import okhttp3.OkHttpClient;

/** The OkHttp clients upstream HTTP connections use, and how their I/O failures are described. */
public final class UpstreamHttpClients {
    /**
     * Idle upstream connections kept for reuse. OkHttp's default of 5 is below the proxy's usual concurrency:
     * with more calls in flight than that, every burst closed the surplus connections and the next burst
     * opened new ones (thousands of reconnects a minute under load).
     */
    static final int MAX_IDLE_CONNECTIONS = 64;

    private UpstreamHttpClients() {}

    /** An OkHttp client suited to upstream calls: no read timeout (each call has its own deadline). */
    public static OkHttpClient defaultClient() {
        return new OkHttpClient.Builder()
                .connectTimeout(Duration.ofSeconds(10))
                .readTimeout(Duration.ZERO)
                .writeTimeout(Duration.ofSeconds(30))
                .retryOnConnectionFailure(false)
                .connectionPool(new ConnectionPool(MAX_IDLE_CONNECTIONS, 5, TimeUnit.MINUTES))
                .build();
    }

    /**
     * The same client with a pool that keeps no idle connection, for the retry after a stale socket: it must not
     * pick another stale one from the pool.
     */
    static OkHttpClient freshConnections(OkHttpClient client) {
        return client.newBuilder()
                .connectionPool(new ConnectionPool(0, 1, TimeUnit.SECONDS))
                .build();
    }

    /** An exception as one log phrase: its type and message. */
    static String describe(Throwable e) {
        return e.getMessage() == null
                ? e.getClass().getSimpleName()
                : e.getClass().getSimpleName() + ": " + e.getMessage();
    }
}
