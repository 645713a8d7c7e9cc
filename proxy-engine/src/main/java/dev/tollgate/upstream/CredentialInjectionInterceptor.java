package dev.tollgate.upstream;

import dev.tollgate.config.ServerConfig;
import dev.tollgate.pipeline.CallOutcome;
import dev.tollgate.pipeline.Interceptor;
import dev.tollgate.pipeline.ToolCall;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;

/**
 * Attaches the upstream server's configured {@code headers} (its credentials) to the call, so the agent never
 * holds them and whatever the agent sent never reaches the upstream. Headers an earlier link already attached
 * (a per-user token) win over the configured ones. Stdio servers get their {@code env} at spawn, so nothing
 * is attached per call for them.
 */
public final class CredentialInjectionInterceptor implements Interceptor {
    private final Function<String, Optional<ServerConfig>> servers;

    public CredentialInjectionInterceptor(UpstreamRegistry registry) {
        this(registry::serverConfig);
    }

    public CredentialInjectionInterceptor(Function<String, Optional<ServerConfig>> servers) {
        this.servers = servers;
    }

    @Override
    public CallOutcome intercept(Chain chain) {
        ToolCall call = chain.call();
        Optional<ServerConfig> server = servers.apply(call.tool().server());
        if (server.isEmpty() || server.get().isStdio() || server.get().headers().isEmpty()) {
            return chain.proceed(call);
        }
        Map<String, String> headers = new LinkedHashMap<>(server.get().headers());
        headers.putAll(call.upstreamAuth().headers());
        return chain.proceed(call.withUpstreamAuth(new UpstreamAuth(headers)));
    }
}
