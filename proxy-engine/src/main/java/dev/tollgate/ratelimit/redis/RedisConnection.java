package dev.tollgate.ratelimit.redis;

import dev.tollgate.ratelimit.LimitStoreUnavailableException;
import io.lettuce.core.ClientOptions;
import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisException;
import io.lettuce.core.RedisNoScriptException;
import io.lettuce.core.RedisURI;
import io.lettuce.core.ScriptOutputType;
import io.lettuce.core.SocketOptions;
import io.lettuce.core.api.StatefulRedisConnection;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.HexFormat;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One Lettuce connection to the shared Redis, opened lazily and re-opened after an outage. Commands fail at once
 * while Redis is away (no queueing behind a dead socket), each within the URL's timeout (2 s unless it says),
 * and every failure surfaces as {@link LimitStoreUnavailableException} so callers apply the configured choice.
 */
public final class RedisConnection implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(RedisConnection.class);
    private static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(2);
    private static final long RECONNECT_PAUSE_NANOS = TimeUnit.SECONDS.toNanos(1);

    private final RedisClient client;
    private final String display;
    private StatefulRedisConnection<String, String> connection;
    private long nextAttempt = System.nanoTime();
    private boolean down;

    /** A Lua script and its SHA-1, sent by digest and by text only when Redis does not have it yet. */
    public record Script(String text, String sha) {}

    public RedisConnection(String url) {
        RedisURI uri = parse(url);
        if (!url.contains("timeout=")) {
            uri.setTimeout(DEFAULT_TIMEOUT);
        }
        this.display = (uri.isSsl() ? "rediss://" : "redis://") + uri.getHost() + ":" + uri.getPort();
        this.client = RedisClient.create(uri);
        client.setOptions(ClientOptions.builder()
                .autoReconnect(true)
                .disconnectedBehavior(ClientOptions.DisconnectedBehavior.REJECT_COMMANDS)
                .socketOptions(
                        SocketOptions.builder().connectTimeout(uri.getTimeout()).build())
                .build());
    }

    /** Parses a {@code redis://} or {@code rediss://} URL; the message says what is wrong with it. */
    public static RedisURI parse(String url) {
        if (!url.startsWith("redis://") && !url.startsWith("rediss://")) {
            throw new IllegalArgumentException("expected memory or a redis:// URL, got '" + url + "'");
        }
        try {
            return RedisURI.create(url);
        } catch (RuntimeException e) {
            throw new IllegalArgumentException("not a usable Redis URL: " + e.getMessage(), e);
        }
    }

    /** The server as logs and refusals name it: scheme, host and port, never the password. */
    public String display() {
        return display;
    }

    /** A script with its digest computed here; Redis receives its text on first use. */
    public static Script script(String text) {
        try {
            byte[] sha = MessageDigest.getInstance("SHA-1").digest(text.getBytes(StandardCharsets.UTF_8));
            return new Script(text, HexFormat.of().formatHex(sha));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("this JVM has no SHA-1", e);
        }
    }

    /** Connects now, so an unreachable Redis is logged at start and the first call does not wait for the connection. */
    public void tryConnect() {
        try {
            connection();
        } catch (LimitStoreUnavailableException e) {
            // Logged once by unavailable(); calls reconnect by themselves.
        }
    }

    /** Runs {@code script} with the given keys and arguments and returns its reply. */
    public <T> T eval(Script script, ScriptOutputType type, String[] keys, String... args) {
        StatefulRedisConnection<String, String> open = connection();
        try {
            T reply;
            try {
                reply = open.sync().evalsha(script.sha(), type, keys, args);
            } catch (RedisNoScriptException e) {
                reply = open.sync().eval(script.text(), type, keys, args);
            }
            recovered();
            return reply;
        } catch (RedisException e) {
            throw unavailable(e);
        }
    }

    private synchronized StatefulRedisConnection<String, String> connection() {
        if (connection != null) {
            return connection;
        }
        if (System.nanoTime() - nextAttempt < 0) {
            throw new LimitStoreUnavailableException(display, "Redis " + display + " is unreachable", null);
        }
        try {
            connection = client.connect();
            return connection;
        } catch (RedisException e) {
            nextAttempt = System.nanoTime() + RECONNECT_PAUSE_NANOS;
            throw unavailable(e);
        }
    }

    private synchronized LimitStoreUnavailableException unavailable(RedisException e) {
        if (!down) {
            down = true;
            LOG.warn("shared limit store {} is unreachable: {}", display, e.getMessage());
        }
        return new LimitStoreUnavailableException(
                display, "Redis " + display + " is unreachable: " + e.getMessage(), e);
    }

    private void recovered() {
        if (down) {
            synchronized (this) {
                if (down) {
                    down = false;
                    LOG.info("shared limit store {} is reachable again", display);
                }
            }
        }
    }

    @Override
    public synchronized void close() {
        if (connection != null) {
            connection.close();
        }
        client.shutdown(Duration.ZERO, Duration.ofSeconds(2));
    }
}
