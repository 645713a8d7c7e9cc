package dev.tollgate.upstream;

import dev.tollgate.config.ServerConfig;
import dev.tollgate.json.Json;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** Server entries as the config loader would produce them, for upstream tests. */
final class UpstreamTestConfigs {
    private UpstreamTestConfigs() {}

    static ServerConfig http(String name, String url) {
        return http(name, url, Map.of());
    }

    static ServerConfig http(String name, String url, Map<String, String> headers) {
        return new ServerConfig(
                name, Optional.of(url), List.of(), headers, Map.of(), Duration.ofSeconds(10), Json.object());
    }

    static ServerConfig stdio(String name, List<String> command, Map<String, String> env) {
        return new ServerConfig(name, Optional.empty(), command, Map.of(), env, Duration.ofSeconds(20), Json.object());
    }
}
