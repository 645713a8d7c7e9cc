package dev.tollgate.upstream;

import java.util.Map;
import java.util.OptionalLong;
import java.util.concurrent.ConcurrentHashMap;
import tools.jackson.databind.JsonNode;

/**
 * The cache hints ({@code ttlMs}) one upstream gave on its lists when Tollgate last fetched them: a 2026-07-28
 * server says how long each list stays fresh; a 2025-era server says nothing. Fresh for the shortest page's
 * {@code ttlMs}, counted from when the fetch began.
 */
final class ListHints {
    private record Hint(long ttlMillis, long fetchedAtNanos) {}

    private final Map<String, Hint> byMethod = new ConcurrentHashMap<>();

    /** One fetch of a list, page by page; {@link #done()} records what it learned. */
    final class Fetch {
        private final String method;
        private final long startedNanos = System.nanoTime();
        private long ttlMillis = Long.MAX_VALUE;
        private boolean everyPageHinted = true;
        private boolean unlisted;

        private Fetch(String method) {
            this.method = method;
        }

        void page(JsonNode result) {
            JsonNode ttl = result.get("ttlMs");
            if (ttl != null && ttl.isIntegralNumber() && ttl.asLong() >= 0) {
                ttlMillis = Math.min(ttlMillis, ttl.asLong());
            } else {
                everyPageHinted = false;
            }
        }

        /** The server does not offer this list (no capability for it), so it cannot make anyone's copy stale. */
        void unlisted() {
            unlisted = true;
        }

        /** The fetch ended (complete or not): a list without a hint on every page counts as not cacheable. */
        void done() {
            if (unlisted) {
                byMethod.put(method, new Hint(Long.MAX_VALUE, startedNanos));
            } else if (everyPageHinted && ttlMillis != Long.MAX_VALUE) {
                byMethod.put(method, new Hint(ttlMillis, startedNanos));
            } else {
                byMethod.remove(method);
            }
        }
    }

    Fetch fetch(String method) {
        return new Fetch(method);
    }

    /**
     * How many milliseconds the list fetched last stays fresh by the upstream's word ({@link Long#MAX_VALUE} for a
     * list it does not offer); empty without a hint.
     */
    OptionalLong remainingMillis(String method) {
        Hint hint = byMethod.get(method);
        if (hint == null) {
            return OptionalLong.empty();
        }
        long age = (System.nanoTime() - hint.fetchedAtNanos()) / 1_000_000L;
        return OptionalLong.of(
                hint.ttlMillis() == Long.MAX_VALUE ? Long.MAX_VALUE : Math.max(0, hint.ttlMillis() - age));
    }
}
