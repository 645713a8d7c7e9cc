package dev.tollgate.upstream;

import dev.tollgate.config.Durations;
import dev.tollgate.config.ServerConfig;
import java.time.Duration;
import tools.jackson.databind.JsonNode;

/**
 * How one upstream recovers: the circuit ({@code circuit: {failures, coolDown}}) and the reconnect backoff
 * ({@code reconnect: {initialDelay, maxDelay}}) from its server entry; the config loader has checked the values.
 */
public record ResilienceSettings(
        int circuitFailures, Duration circuitCoolDown, Duration reconnectInitialDelay, Duration reconnectMaxDelay) {
    public static final int DEFAULT_CIRCUIT_FAILURES = 5;
    public static final Duration DEFAULT_CIRCUIT_COOL_DOWN = Duration.ofSeconds(30);
    public static final Duration DEFAULT_RECONNECT_INITIAL_DELAY = Duration.ofSeconds(1);
    public static final Duration DEFAULT_RECONNECT_MAX_DELAY = Duration.ofSeconds(30);

    public static final ResilienceSettings DEFAULTS = new ResilienceSettings(
            DEFAULT_CIRCUIT_FAILURES,
            DEFAULT_CIRCUIT_COOL_DOWN,
            DEFAULT_RECONNECT_INITIAL_DELAY,
            DEFAULT_RECONNECT_MAX_DELAY);

    /** The settings of one server entry, defaults where it says nothing. */
    public static ResilienceSettings of(ServerConfig config) {
        JsonNode circuit = config.raw().path("circuit");
        JsonNode reconnect = config.raw().path("reconnect");
        return new ResilienceSettings(
                circuit.path("failures").asInt(DEFAULT_CIRCUIT_FAILURES),
                duration(circuit.path("coolDown"), DEFAULT_CIRCUIT_COOL_DOWN),
                duration(reconnect.path("initialDelay"), DEFAULT_RECONNECT_INITIAL_DELAY),
                duration(reconnect.path("maxDelay"), DEFAULT_RECONNECT_MAX_DELAY));
    }

    Backoff backoff() {
        return new Backoff(reconnectInitialDelay, reconnectMaxDelay);
    }

    private static Duration duration(JsonNode node, Duration fallback) {
        return node.isMissingNode() || node.isNull() ? fallback : Durations.parse(node.asString());
    }
}
