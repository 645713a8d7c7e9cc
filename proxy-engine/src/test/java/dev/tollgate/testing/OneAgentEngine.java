package dev.tollgate.testing;

import dev.tollgate.config.ConfigLoader;
import dev.tollgate.engine.TollgateEngine;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

/** A real engine on a loopback port: HTTP upstreams by name, one agent {@code agent} allowed one tool pattern. */
public final class OneAgentEngine {
    private OneAgentEngine() {}

    /** The agent is allowed {@code crm.*}. */
    public static TollgateEngine start(Path dir, String agentKey, Map<String, String> serverUrls) {
        return start(dir, agentKey, serverUrls, "crm.*");
    }

    /** The agent is allowed the tools {@code allow} matches (a policy pattern such as {@code ref.*}). */
    public static TollgateEngine start(Path dir, String agentKey, Map<String, String> serverUrls, String allow) {
        StringBuilder text = new StringBuilder("listen: 127.0.0.1:0\n")
                .append("audit: { url: \"jdbc:h2:file:")
                .append(dir.resolve("audit").toString().replace('\\', '/'))
                .append("\" }\nservers:\n");
        serverUrls.forEach((name, url) ->
                text.append("  ").append(name).append(": { url: \"").append(url).append("\" }\n"));
        text.append("agents:\n  agent: { keys: [\"")
                .append(agentKey)
                .append("\"], roles: [user] }\n")
                .append("roles:\n  user: { allow: [\"")
                .append(allow)
                .append("\"] }\n");
        Path config = dir.resolve("tollgate.yaml");
        try {
            Files.writeString(config, text);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return TollgateEngine.start(new ConfigLoader().load(config));
    }
}
