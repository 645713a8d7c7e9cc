package dev.tollgate.gateway;

import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Optional;

/** Opaque pagination cursors over Tollgate's aggregated lists: an offset, encoded so agents do not build them. */
final class Cursors {
    private static final String PREFIX = "tollgate-page:";

    private Cursors() {}

    static String encode(int offset) {
        return Base64.getUrlEncoder()
                .withoutPadding()
                .encodeToString((PREFIX + offset).getBytes(StandardCharsets.UTF_8));
    }

    /** The offset a cursor stands for; empty when the cursor is not one Tollgate issued. */
    static Optional<Integer> decode(String cursor) {
        try {
            String text = new String(Base64.getUrlDecoder().decode(cursor), StandardCharsets.UTF_8);
            if (!text.startsWith(PREFIX)) {
                return Optional.empty();
            }
            int offset = Integer.parseInt(text.substring(PREFIX.length()));
            return offset < 0 ? Optional.empty() : Optional.of(offset);
        } catch (IllegalArgumentException e) {
            return Optional.empty();
        }
    }
}
