package dev.tollgate.upstream;

import dev.tollgate.logging.RateLimitedWarnings;
import java.io.IOException;
import okhttp3.Call;
import okhttp3.Callback;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.Response;
import org.slf4j.LoggerFactory;
import tools.jackson.databind.JsonNode;

/**
 * Sends notifications and responses to a 2025-era upstream without waiting (it answers those with 202 and
 * nothing else); a failure or refusal is warned about, rate-limited per server.
 */
final class AsyncPosts {
    // Warned under the connection's name: these lines are known as the connection's.
    private static final RateLimitedWarnings WARNINGS =
            new RateLimitedWarnings(LoggerFactory.getLogger(HttpUpstreamConnection.class));

    private final String server;
    private final OkHttpClient client;

    AsyncPosts(String server, OkHttpClient client) {
        this.server = server;
        this.client = client;
    }

    void send(Request post, JsonNode message) {
        client.newCall(post).enqueue(new Callback() {
            @Override
            public void onFailure(Call call, IOException e) {
                WARNINGS.warn(
                        "send " + server,
                        "could not send {} to upstream '{}': {}",
                        kind(message),
                        server,
                        UpstreamHttpClients.describe(e));
            }

            @Override
            public void onResponse(Call call, Response response) {
                try (response) {
                    if (!response.isSuccessful()) {
                        WARNINGS.warn(
                                "refused " + server,
                                "upstream '{}' refused {} with HTTP {}",
                                server,
                                kind(message),
                                response.code());
                    }
                }
            }
        });
    }

    private static String kind(JsonNode message) {
        return message.has("method") ? message.path("method").asString() : "a response";
    }
}
