package dev.tollgate.identity.oauth;

import dev.tollgate.pipeline.CallOutcome;
import dev.tollgate.pipeline.CallStatus;
import dev.tollgate.pipeline.Decision;
import dev.tollgate.pipeline.Interceptor;
import dev.tollgate.pipeline.ToolCall;
import dev.tollgate.upstream.UpstreamAuth;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * For upstreams with {@code auth: client_credentials}: the call carries Tollgate's service-account token
 * ({@code Authorization: Bearer}), attributed to the agent rather than to any end user.
 */
public final class ServiceAccountInterceptor implements Interceptor {
    private final ServiceAccountTokens tokens;

    public ServiceAccountInterceptor(ServiceAccountTokens tokens) {
        this.tokens = tokens;
    }

    @Override
    public CallOutcome intercept(Chain chain) {
        ToolCall call = chain.call();
        String server = call.tool().server();
        if (!tokens.handles(server)) {
            return chain.proceed(call);
        }
        String token;
        try {
            token = tokens.accessToken(server);
        } catch (OAuthException e) {
            return CallOutcome.failed(
                    Decision.allowed("servers." + server + ".auth", Optional.empty()),
                    CallStatus.ERROR,
                    "Tollgate could not obtain its service-account token for " + server + ": " + e.getMessage());
        }
        Map<String, String> headers = new LinkedHashMap<>();
        call.upstreamAuth().headers().forEach((name, value) -> {
            if (!name.equalsIgnoreCase("Authorization")) {
                headers.put(name, value);
            }
        });
        headers.put("Authorization", "Bearer " + token);
        return chain.proceed(call.withUpstreamAuth(new UpstreamAuth(headers)));
    }
}
