package dev.tollgate.shadow;

import dev.tollgate.config.TollgateConfig;
import java.nio.file.Path;
import java.util.Optional;
import tools.jackson.databind.JsonNode;

/** The {@code shadow} key: the candidate configuration file, relative to the configuration's directory. */
public final class ShadowSettings {
    private ShadowSettings() {}

    /** The candidate's path, if the configuration names one; a {@code file:line} error for anything but a path. */
    public static Optional<Path> candidate(TollgateConfig config) {
        JsonNode node = config.root().path("shadow");
        if (node.isMissingNode() || node.isNull()) {
            return Optional.empty();
        }
        if (!node.isString() || node.asString().isBlank()) {
            throw config.sourceMap()
                    .error(
                            "/shadow",
                            "shadow must name a candidate configuration file, e.g. " + "shadow: candidate.yaml");
        }
        Path file = Path.of(node.asString());
        if (file.isAbsolute()) {
            return Optional.of(file);
        }
        Path dir = config.file()
                .map(f -> f.toAbsolutePath().getParent())
                .orElse(Path.of("").toAbsolutePath());
        return Optional.of(dir.resolve(file));
    }
}
