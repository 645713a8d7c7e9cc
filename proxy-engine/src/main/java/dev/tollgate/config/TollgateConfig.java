package dev.tollgate.config;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import tools.jackson.databind.JsonNode;

/**
 * The loaded configuration file. Core keys are typed; {@code root} is the whole document with
 * {@code ${env:NAME}} already resolved, and {@code sourceMap} gives the line of any node, so feature
 * packages (policy, identity) parse their own sections and still report {@code file:line}.
 */
public record TollgateConfig(
        Optional<Path> file,
        String listenHost,
        int listenPort,
        String auditUrl,
        String toolNameSeparator,
        Map<String, ServerConfig> servers,
        Map<String, AgentConfig> agents,
        List<String> redactKeys,
        List<String> allowedOrigins,
        Duration callTimeout,
        long maxBodyBytes,
        JsonNode root,
        String text,
        SourceMap sourceMap) {

    public TollgateConfig {
        servers = Map.copyOf(servers);
        agents = Map.copyOf(agents);
        redactKeys = List.copyOf(redactKeys);
        allowedOrigins = List.copyOf(allowedOrigins);
    }

    public TollgateConfig withListenPort(int port) {
        return new TollgateConfig(
                file,
                listenHost,
                port,
                auditUrl,
                toolNameSeparator,
                servers,
                agents,
                redactKeys,
                allowedOrigins,
                callTimeout,
                maxBodyBytes,
                root,
                text,
                sourceMap);
    }

    public TollgateConfig withAuditUrl(String url) {
        return new TollgateConfig(
                file,
                listenHost,
                listenPort,
                url,
                toolNameSeparator,
                servers,
                agents,
                redactKeys,
                allowedOrigins,
                callTimeout,
                maxBodyBytes,
                root,
                text,
                sourceMap);
    }

    /** Where the agents' conversation transcripts (JSON Lines) are read from: {@code transcripts/} beside the file. */
    public Optional<Path> transcriptsDirectory() {
        return file.map(f -> f.toAbsolutePath().getParent().resolve("transcripts"));
    }

    @Override
    public String toString() {
        return "TollgateConfig[" + file.map(Path::toString).orElse("<inline>") + ", listen=" + listenHost + ":"
                + listenPort + ", servers=" + servers.keySet() + ", agents=" + agents.keySet() + "]";
    }
}
