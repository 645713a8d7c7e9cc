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
public record ServerConfig(
        String name,
        Optional<String> url,
        List<String> command,
        Map<String, String> headers,
        Map<String, String> env,
        Duration timeout,
        JsonNode raw) {
    /** The default {@code protocol}: probe {@code server/discover}, fall back to {@code initialize}. */
    public static final String PROTOCOL_AUTO = "auto";
    /** The values {@code servers.NAME.protocol} takes: auto, or the era to pin. */
    public static final List<String> PROTOCOL_SETTINGS = List.of(PROTOCOL_AUTO, "2026-07-28", "2025-11-25");

    public ServerConfig {
        command = List.copyOf(command);
        headers = Map.copyOf(headers);
        env = Map.copyOf(env);
    }

    /** The {@code protocol} setting, {@link #PROTOCOL_AUTO} when absent. */
    public String protocol() {
        return raw == null ? PROTOCOL_AUTO : raw.path("protocol").asString(PROTOCOL_AUTO);
    }

    /** Whether the server's tools, prompts and resources are exposed under its name ({@code namespace}, default true). */
    public boolean namespaced() {
        return raw == null || raw.path("namespace").asBoolean(true);
    }

    public boolean isStdio() {
        return url.isEmpty();
    }

    @Override
    public String toString() {
        return "ServerConfig[" + name + ", " + url.orElse(String.join(" ", command)) + "]";
    }
}
