package dev.tollgate.session;

import dev.tollgate.config.Durations;
import dev.tollgate.config.TollgateConfig;
import java.time.Duration;
import tools.jackson.databind.JsonNode;

/**
 * How many agent sessions may be open at once, per agent and in all, and how long one may sit idle before it is
 * ended: {@code sessionIdleTimeout}, {@code maxSessionsPerAgent}, {@code maxSessions} in the configuration.
 */
public record SessionLimits(Duration idleTimeout, int maxPerAgent, int maxTotal) {
    public static final Duration DEFAULT_IDLE_TIMEOUT = Duration.ofMinutes(30);
    public static final int DEFAULT_MAX_PER_AGENT = 100;
    public static final int DEFAULT_MAX_TOTAL = 1_000;

    /** Only an idle timeout; the session counts at their defaults. */
    public static SessionLimits idleAfter(Duration idleTimeout) {
        return new SessionLimits(idleTimeout, DEFAULT_MAX_PER_AGENT, DEFAULT_MAX_TOTAL);
    }

    /** The limits a configuration sets, defaults for what it leaves out; bad values are {@code file:line} errors. */
    public static SessionLimits from(TollgateConfig config) {
        JsonNode root = config.root();
        Duration idle = DEFAULT_IDLE_TIMEOUT;
        JsonNode idleNode = root.path("sessionIdleTimeout");
        if (!idleNode.isMissingNode() && !idleNode.isNull()) {
            try {
                idle = Durations.parse(idleNode.asString());
            } catch (IllegalArgumentException e) {
                throw config.sourceMap().error("/sessionIdleTimeout", e.getMessage());
            }
        }
        return new SessionLimits(
                idle,
                count(config, "maxSessionsPerAgent", DEFAULT_MAX_PER_AGENT),
                count(config, "maxSessions", DEFAULT_MAX_TOTAL));
    }

    private static int count(TollgateConfig config, String key, int fallback) {
        JsonNode node = config.root().path(key);
        if (node.isMissingNode() || node.isNull()) {
            return fallback;
        }
        if (!node.canConvertToInt() || !node.isIntegralNumber() || node.asInt() < 1) {
            throw config.sourceMap().error("/" + key, key + " must be a whole number of at least 1");
        }
        return node.asInt();
    }
}
