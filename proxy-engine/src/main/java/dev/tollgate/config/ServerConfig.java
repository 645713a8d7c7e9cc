package dev.tollgate.config;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import tools.jackson.databind.JsonNode;

/**
 * An upstream MCP server: reached over Streamable HTTP ({@code url}) or started as a child process
 * ({@code command}). {@code headers}/{@code env} hold injected credentials, already resolved.
 * {@code raw} keeps the whole YAML entry for features that read more keys (auth: oauth, ...).
 */
public record ServerConfig(String name, Optional<String> url, List<String> command, Map<String, String> headers,
                           Map<String, String> env, Duration timeout, JsonNode raw) {
    public ServerConfig {
        command = List.copyOf(command);
        headers = Map.copyOf(headers);
        env = Map.copyOf(env);
    }

    public boolean isStdio() {
        return url.isEmpty();
    }

    @Override
    public String toString() {
        return "ServerConfig[" + name + ", " + url.orElse(String.join(" ", command)) + "]";
    }
}
