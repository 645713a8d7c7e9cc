package dev.tollgate.identity.oauth;

import dev.tollgate.pipeline.BlockReason;
import dev.tollgate.pipeline.CallOutcome;
import dev.tollgate.pipeline.CallStatus;
import dev.tollgate.pipeline.Decision;
import dev.tollgate.pipeline.Interceptor;
import dev.tollgate.pipeline.ToolCall;
import dev.tollgate.upstream.UpstreamAuth;
import java.net.URI;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import tools.jackson.databind.node.ObjectNode;

/**
 * For upstreams with {@code auth: oauth}: puts the calling user's own token on the upstream request
 * ({@code Authorization: Bearer}, replacing any configured one). A call without a user, or for a user who
 * has not authorized yet, is answered with a tool error carrying the authorization URL instead.
 */
public final class UserTokenInjectionInterceptor implements Interceptor {
    private final UserOAuthService oauth;

    public UserTokenInjectionInterceptor(UserOAuthService oauth) {
        this.oauth = oauth;
    }

    @Override
    public CallOutcome intercept(Chain chain) {
        ToolCall call = chain.call();
        String server = call.tool().server();
        if (!oauth.handles(server)) {
            return chain.proceed(call);
        }
        String rule = "servers." + server + ".auth";
        if (call.user().isEmpty()) {
            return CallOutcome.blocked(Decision.blocked(
                    BlockReason.AUTHENTICATION,
                    rule,
                    Optional.empty(),
                    server + " acts for the end user, but this call names no user: the agent must send the user's"
                            + " token (X-Tollgate-User-Token)."));
        }
        String user = call.user().get().subject();
        Optional<String> token;
        try {
            token = oauth.accessToken(user, server, call.sessionId());
        } catch (OAuthException | IllegalStateException e) {
            return CallOutcome.failed(
                    Decision.allowed(rule, Optional.empty()),
                    CallStatus.ERROR,
                    "Tollgate could not obtain " + user + "'s token for " + server + ": " + e.getMessage());
        }
        if (token.isEmpty()) {
            return authorizationRequired(call, server, user, rule);
        }
        Map<String, String> headers = new LinkedHashMap<>();
        call.upstreamAuth().headers().forEach((name, value) -> {
            if (!name.equalsIgnoreCase("Authorization")) {
                headers.put(name, value);
            }
        });
        headers.put("Authorization", "Bearer " + token.get());
        return chain.proceed(call.withUpstreamAuth(new UpstreamAuth(headers)));
    }

    private CallOutcome authorizationRequired(ToolCall call, String server, String user, String rule) {
        URI url;
        try {
            url = oauth.authorizationUrl(user, server, call.sessionId());
        } catch (OAuthException e) {
            return CallOutcome.failed(
                    Decision.allowed(rule, Optional.empty()),
                    CallStatus.ERROR,
                    server + " needs " + user + "'s authorization, but Tollgate cannot start it: " + e.getMessage());
        }
        Decision decision = Decision.blocked(
                BlockReason.AUTHENTICATION,
                rule,
                Optional.empty(),
                server + " needs " + user + "'s authorization before Tollgate can call it. Open " + url
                        + " in a browser, sign in, then retry the call.");
        CallOutcome outcome = CallOutcome.blocked(decision);
        ((ObjectNode) outcome.result().path("_meta").path("tollgate")).put("authorizationUrl", url.toString());
        return outcome;
    }
}
