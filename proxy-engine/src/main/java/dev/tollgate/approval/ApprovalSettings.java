package dev.tollgate.approval;

import dev.tollgate.config.Durations;
import dev.tollgate.config.TollgateConfig;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import tools.jackson.databind.JsonNode;

/**
 * The {@code approvals} section: {@code timeout} (default 2m), after which an unanswered call is denied. Held calls
 * are shared with {@code tollgate approvals} through the directory {@code tollgate-approvals} next to the
 * configuration file (none for a configuration not read from a file: then only the desktop app can answer).
 */
public record ApprovalSettings(Duration timeout, Optional<Path> directory) {
    public static final Duration DEFAULT_TIMEOUT = Duration.ofMinutes(2);
    public static final String DIRECTORY = "tollgate-approvals";

    /** Reads the section, throwing a {@code file:line} error for a bad value or an unknown key. */
    public static ApprovalSettings from(TollgateConfig config) {
        Optional<Path> directory = directoryFor(config);
        JsonNode node = config.root().path("approvals");
        if (node.isMissingNode() || node.isNull()) {
            return new ApprovalSettings(DEFAULT_TIMEOUT, directory);
        }
        if (!node.isObject()) {
            throw config.sourceMap().error("/approvals", "approvals must be a mapping with timeout");
        }
        for (Map.Entry<String, JsonNode> e : node.properties()) {
            if (!e.getKey().equals("timeout")) {
                throw config.sourceMap()
                        .error(
                                "/approvals/" + e.getKey(),
                                "unknown key '" + e.getKey() + "' in approvals (expected timeout)");
            }
        }
        Duration timeout = DEFAULT_TIMEOUT;
        if (node.has("timeout")) {
            try {
                timeout = Durations.parse(node.get("timeout").asString());
            } catch (IllegalArgumentException e) {
                throw config.sourceMap().error("/approvals/timeout", e.getMessage());
            }
            if (timeout.isZero()) {
                throw config.sourceMap().error("/approvals/timeout", "timeout must be longer than zero");
            }
        }
        return new ApprovalSettings(timeout, directory);
    }

    /** The shared directory for a configuration file: {@code tollgate-approvals} beside it. */
    public static Optional<Path> directoryFor(TollgateConfig config) {
        return config.file().map(f -> f.toAbsolutePath().getParent().resolve(DIRECTORY));
    }
}
