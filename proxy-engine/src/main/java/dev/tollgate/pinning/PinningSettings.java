package dev.tollgate.pinning;

import dev.tollgate.config.TollgateConfig;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import tools.jackson.databind.JsonNode;

/**
 * The {@code pinning} section: {@code mode} (block, the default; alert; off) and {@code file}, the lock file,
 * relative to the configuration's directory (default {@code tollgate.lock} next to it). A configuration that was
 * not read from a file keeps its pins in memory only.
 */
public record PinningSettings(PinningMode mode, Optional<Path> file) {
    public static final String DEFAULT_FILE = "tollgate.lock";
    private static final Set<String> KEYS = Set.of("mode", "file");

    /** Reads the section, throwing a {@code file:line} error for a bad value or an unknown key. */
    public static PinningSettings from(TollgateConfig config) {
        JsonNode node = config.root().path("pinning");
        Optional<Path> dir = config.file().map(f -> f.toAbsolutePath().getParent());
        if (node.isMissingNode() || node.isNull()) {
            return new PinningSettings(PinningMode.BLOCK, dir.map(d -> d.resolve(DEFAULT_FILE)));
        }
        if (!node.isObject()) {
            throw config.sourceMap().error("/pinning", "pinning must be a mapping with mode and file");
        }
        for (Map.Entry<String, JsonNode> e : node.properties()) {
            if (!KEYS.contains(e.getKey())) {
                throw config.sourceMap()
                        .error(
                                "/pinning/" + e.getKey(),
                                "unknown key '" + e.getKey() + "' in pinning (expected file, mode)");
            }
        }
        String modeText = node.path("mode").asString("block");
        PinningMode mode = PinningMode.parse(modeText)
                .orElseThrow(() -> config.sourceMap()
                        .error("/pinning/mode", "pinning mode must be block, alert or off, got '" + modeText + "'"));
        String name = node.path("file").asString(DEFAULT_FILE);
        if (name.isBlank()) {
            throw config.sourceMap().error("/pinning/file", "pinning file must not be empty");
        }
        Path file = Path.of(name);
        Optional<Path> resolved = file.isAbsolute() ? Optional.of(file) : dir.map(d -> d.resolve(file));
        return new PinningSettings(mode, resolved);
    }
}
