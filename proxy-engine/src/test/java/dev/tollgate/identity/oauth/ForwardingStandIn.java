package dev.tollgate.identity.oauth;

import dev.tollgate.json.Json;
import dev.tollgate.pipeline.CallOutcome;
import dev.tollgate.pipeline.CallStatus;
import dev.tollgate.pipeline.Decision;
import dev.tollgate.pipeline.Interceptor;
import java.io.IOException;
import java.util.Optional;
import okhttp3.MediaType;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.RequestBody;
import okhttp3.Response;

/** The last link: POSTs the call to the upstream over real HTTP with exactly the headers of its UpstreamAuth. */
final class ForwardingStandIn implements Interceptor {
    private final OkHttpClient http = new OkHttpClient();
    private final String url;

    ForwardingStandIn(String url) {
        this.url = url;
    }

    @Override
    public CallOutcome intercept(Chain chain) {
        Request.Builder request = new Request.Builder()
                .url(url)
                .post(RequestBody.create(
                        "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"tools/call\"}", MediaType.get("application/json")));
        chain.call().upstreamAuth().headers().forEach(request::header);
        try (Response response = http.newCall(request.build()).execute()) {
            return new CallOutcome(
                    Decision.allowed("test", Optional.empty()),
                    response.isSuccessful() ? CallStatus.SUCCESS : CallStatus.ERROR,
                    Json.object(),
                    0);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }
}
