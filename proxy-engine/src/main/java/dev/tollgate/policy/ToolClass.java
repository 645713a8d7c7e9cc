package dev.tollgate.policy;

import dev.tollgate.pipeline.ToolAnnotations;
import java.util.Arrays;
import java.util.Locale;
import java.util.Optional;
import java.util.function.Predicate;

/** A class of tools named by the upstream's own MCP annotations, so one rule can cover every destructive tool. */
public enum ToolClass {
    READ_ONLY("readOnly", ToolAnnotations::isReadOnly),
    DESTRUCTIVE("destructive", ToolAnnotations::isDestructive),
    IDEMPOTENT("idempotent", ToolAnnotations::isIdempotent),
    OPEN_WORLD("openWorld", ToolAnnotations::isOpenWorld);

    private final String configName;
    private final Predicate<ToolAnnotations> test;

    ToolClass(String configName, Predicate<ToolAnnotations> test) {
        this.configName = configName;
        this.test = test;
    }

    /** The spelling used in the configuration file, e.g. {@code destructive}. */
    public String configName() {
        return configName;
    }

    public boolean matches(ToolAnnotations annotations) {
        return test.test(annotations);
    }

    /** Case-insensitive, and tolerant of {@code read-only}/{@code read_only}, because people write all three. */
    public static Optional<ToolClass> parse(String text) {
        String wanted = text.replace("-", "").replace("_", "").toLowerCase(Locale.ROOT);
        return Arrays.stream(values())
                .filter(c -> c.configName.toLowerCase(Locale.ROOT).equals(wanted))
                .findFirst();
    }
}
