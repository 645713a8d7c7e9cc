package dev.tollgate.pinning;

import java.util.Locale;
import java.util.Optional;

/** What a changed tool definition leads to: withheld and blocked, let through with an alert, or nothing. */
public enum PinningMode {
    BLOCK,
    ALERT,
    OFF;

    public String configName() {
        return name().toLowerCase(Locale.ROOT);
    }

    public static Optional<PinningMode> parse(String text) {
        for (PinningMode mode : values()) {
            if (mode.configName().equals(text)) {
                return Optional.of(mode);
            }
        }
        return Optional.empty();
    }
}
