package dev.tollgate.admin;

import dev.tollgate.config.SourceMap;
import dev.tollgate.config.TollgateConfig;
import java.util.Optional;
import tools.jackson.databind.JsonNode;

/**
 * The {@code admin:} section: where the admin listener binds ({@code listen: host:port}) and the bearer token it
 * requires ({@code token}, at least 16 characters; read it from the environment). Off unless configured.
 */
public record AdminSettings(String host, int port, String token) {
    static final int MIN_TOKEN_LENGTH = 16;

    public static Optional<AdminSettings> from(TollgateConfig config) {
        JsonNode node = config.root().path("admin");
        SourceMap lines = config.sourceMap();
        if (node.isMissingNode() || node.isNull()) {
            return Optional.empty();
        }
        if (!node.isObject()) {
            throw lines.error("/admin", "admin must be a mapping with listen and token");
        }
        String listen = node.path("listen").asString("");
        int colon = listen.lastIndexOf(':');
        int port;
        try {
            port = colon <= 0 ? -1 : Integer.parseInt(listen.substring(colon + 1));
        } catch (NumberFormatException e) {
            port = -1;
        }
        if (port < 0 || port > 65535) {
            throw lines.error("/admin", "admin.listen must be host:port (e.g. 127.0.0.1:7071), got '" + listen + "'");
        }
        String token = node.path("token").asString("");
        if (token.length() < MIN_TOKEN_LENGTH) {
            throw lines.error(
                    "/admin",
                    "admin.token must be at least " + MIN_TOKEN_LENGTH
                            + " characters (e.g. \"${env:TOLLGATE_ADMIN_TOKEN}\")");
        }
        return Optional.of(new AdminSettings(listen.substring(0, colon), port, token));
    }

    @Override
    public String toString() {
        return "AdminSettings[" + host + ":" + port + ", token=***]";
    }
}
