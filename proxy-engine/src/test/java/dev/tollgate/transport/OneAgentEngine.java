package dev.tollgate.transport;

import dev.tollgate.config.ConfigLoader;
import dev.tollgate.engine.TollgateEngine;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

/** A real engine on a loopback port for transport tests: HTTP upstreams by name, one agent allowed {@code crm.*}. */
final class OneAgentEngine {
    private OneAgentEngine() {}

    static TollgateEngine start(Path dir, String agentKey, Map<String, String> serverUrls) {
        StringBuilder text = new StringBuilder("listen: 127.0.0.1:0\n")
                .append("audit: { url: \"jdbc:h2:file:")
                .append(dir.resolve("audit").toString().replace('\\', '/'))
                .append("\" }\nservers:\n");
        serverUrls.forEach((name, url) ->
                text.append("  ").append(name).append(": { url: \"").append(url).append("\" }\n"));
        text.append("agents:\n  agent: { keys: [\"")
                .append(agentKey)
                .append("\"], roles: [user] }\n")
                .append("roles:\n  user: { allow: [\"crm.*\"] }\n");
        Path config = dir.resolve("tollgate.yaml");
        try {
            Files.writeString(config, text);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return TollgateEngine.start(new ConfigLoader().load(config));
    }
}
