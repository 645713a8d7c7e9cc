package dev.tollgate.upstream;

import java.io.IOException;
import java.util.Optional;
import java.util.OptionalLong;
import okio.BufferedSource;

/**
 * Reads a {@code text/event-stream} body event by event, keeping across reads what resuming it needs: the last
 * event id and the retry delay the server asked for (OkHttp's event source does not expose the latter).
 */
final class SseReader {
    /** Hears each dispatched event; answers whether to read on. */
    @FunctionalInterface
    interface Listener {
        boolean event(String type, String data);
    }

    private Optional<String> lastEventId = Optional.empty();
    private OptionalLong retryMillis = OptionalLong.empty();

    Optional<String> lastEventId() {
        return lastEventId;
    }

    OptionalLong retryMillis() {
        return retryMillis;
    }

    /** Reads until the body ends (true) or the listener says stop (false). */
    boolean read(BufferedSource source, Listener listener) throws IOException {
        StringBuilder data = new StringBuilder();
        boolean hasData = false;
        String type = "";
        String line;
        while ((line = source.readUtf8Line()) != null) {
            if (line.isEmpty()) {
                if (hasData) {
                    data.setLength(data.length() - 1);
                    if (!listener.event(type.isEmpty() ? "message" : type, data.toString())) {
                        return false;
                    }
                }
                data.setLength(0);
                hasData = false;
                type = "";
                continue;
            }
            if (line.startsWith(":")) {
                continue;
            }
            int colon = line.indexOf(':');
            String field = colon < 0 ? line : line.substring(0, colon);
            String value = colon < 0 ? "" : line.substring(colon + 1);
            if (value.startsWith(" ")) {
                value = value.substring(1);
            }
            switch (field) {
                case "data" -> {
                    data.append(value).append('\n');
                    hasData = true;
                }
                case "event" -> type = value;
                case "id" -> {
                    if (value.indexOf('\0') < 0) {
                        lastEventId = value.isEmpty() ? Optional.empty() : Optional.of(value);
                    }
                }
                case "retry" -> {
                    if (!value.isEmpty() && value.length() < 10 && value.chars().allMatch(Character::isDigit)) {
                        retryMillis = OptionalLong.of(Long.parseLong(value));
                    }
                }
                default -> {
                    // Unknown fields are ignored, as the event-stream format says.
                }
            }
        }
        return true;
    }
}
