package dev.tollgate.ratelimit;

import dev.tollgate.config.TollgateConfig;
import java.util.Optional;
import tools.jackson.databind.JsonNode;

/**
 * Where buckets and the loop breaker's window live ({@code limitStore: memory | redis://…}, top level; default
 * memory) and what limited calls get while a shared store is unreachable ({@code limitStoreFailure: closed | open};
 * default closed). Problems are {@code file:line} errors.
 */
public record LimitStoreSettings(Optional<String> redisUrl, LimitStoreFailure failure) {
    public static final LimitStoreSettings MEMORY = new LimitStoreSettings(Optional.empty(), LimitStoreFailure.CLOSED);

    public static LimitStoreSettings from(TollgateConfig config) {
        JsonNode store = config.root().path("limitStore");
        Optional<String> redis = Optional.empty();
        if (!store.isMissingNode() && !store.isNull()) {
            String text = store.asString().strip();
            if (text.startsWith("redis://") || text.startsWith("rediss://")) {
                redis = Optional.of(text);
            } else if (!text.equals("memory")) {
                throw config.sourceMap()
                        .error(
                                "/limitStore",
                                "limitStore must be memory or a redis:// (rediss://) URL, got '" + text + "'");
            }
        }
        JsonNode failureNode = config.root().path("limitStoreFailure");
        LimitStoreFailure failure = LimitStoreFailure.CLOSED;
        if (!failureNode.isMissingNode() && !failureNode.isNull()) {
            failure = LimitStoreFailure.parse(failureNode.asString())
                    .orElseThrow(() -> config.sourceMap()
                            .error(
                                    "/limitStoreFailure",
                                    "limitStoreFailure must be closed or open, got '" + failureNode.asString() + "'"));
        }
        return new LimitStoreSettings(redis, failure);
    }
}
