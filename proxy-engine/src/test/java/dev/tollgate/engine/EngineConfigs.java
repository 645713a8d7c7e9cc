package dev.tollgate.engine;

import dev.tollgate.config.ConfigLoader;
import dev.tollgate.config.TollgateConfig;
import dev.tollgate.json.Json;
import dev.tollgate.testing.StdioTestServerMain;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import tools.jackson.databind.node.ArrayNode;

/** Configuration files for engines in tests: loopback port 0, an H2 file in a temp dir, real upstreams. */
final class EngineConfigs {
    static final String BILLING_KEY = "billing-key-1";
    static final String SUPPORT_KEY = "support-key-1";

    private EngineConfigs() {}

    /** crm over Streamable HTTP at {@code crmUrl}, payments as a stdio child; billing may not charge. */
    static String text(Path dir, String crmUrl, String extra) {
        ArrayNode command = Json.MAPPER.createArrayNode();
        StdioTestServerMain.command("--tools", "echo,add,charge").forEach(command::add);
        return "listen: 127.0.0.1:0\n"
                + "audit:\n  url: \"jdbc:h2:file:"
                + dir.resolve("audit").toString().replace('\\', '/') + "\"\n"
                + "servers:\n"
                + "  crm: { url: \"" + crmUrl + "\" }\n"
                + "  payments: { command: " + Json.write(command) + " }\n"
                + "agents:\n"
                + "  billing-agent: { keys: [\"" + BILLING_KEY + "\"], roles: [billing] }\n"
                + "  support-agent: { keys: [\"" + SUPPORT_KEY + "\"], roles: [support] }\n"
                + "roles:\n"
                + "  billing:\n"
                + "    allow: [\"crm.*\", \"payments.*\"]\n"
                + "    deny: [\"crm.charge\", \"payments.charge\"]\n"
                + "  support:\n"
                + "    allow: [\"crm.echo\"]\n"
                + extra;
    }

    static TollgateConfig write(Path dir, String text) {
        Path file = dir.resolve("tollgate.yaml");
        try {
            Files.writeString(file, text);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return new ConfigLoader().load(file);
    }
}
