package dev.tollgate.ratelimit;

import java.util.Arrays;
import java.util.Locale;
import java.util.Optional;

/** What a limited call gets while the shared limit store is unreachable ({@code limitStoreFailure}). */
public enum LimitStoreFailure {
    /** The call is refused: no limit is ever silently lifted (the default). */
    CLOSED,
    /** The limit is skipped until the store is back: availability over the limit. */
    OPEN;

    public String configName() {
        return name().toLowerCase(Locale.ROOT);
    }

    public static Optional<LimitStoreFailure> parse(String text) {
        return Arrays.stream(values())
                .filter(f -> f.configName().equalsIgnoreCase(text.strip()))
                .findFirst();
    }
}
