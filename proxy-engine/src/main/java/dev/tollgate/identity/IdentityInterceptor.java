package dev.tollgate.identity;

import dev.tollgate.pipeline.BlockReason;
import dev.tollgate.pipeline.CallOutcome;
import dev.tollgate.pipeline.Decision;
import dev.tollgate.pipeline.Interceptor;
import dev.tollgate.pipeline.ToolCall;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * Re-checks who is calling, with the authenticator now in force: a call without an authenticated agent, or
 * whose credentials no longer authenticate (a key removed by a config reload), is blocked. A call that still
 * authenticates proceeds with the current identity, so changed roles apply at once.
 */
public final class IdentityInterceptor implements Interceptor {
    private final Supplier<Authenticator> authenticator;

    public IdentityInterceptor(Supplier<Authenticator> authenticator) {
        this.authenticator = authenticator;
    }

    @Override
    public CallOutcome intercept(Chain chain) {
        ToolCall call = chain.call();
        if (call.agent().isEmpty()) {
            return CallOutcome.blocked(refusal(call, "the agent is not authenticated"));
        }
        Authenticator.AuthResult result = authenticator.get().authenticate(call.credentials());
        if (result instanceof Authenticator.AuthResult.Authenticated authenticated) {
            if (!authenticated.identity().agentId().equals(call.agent().get().agentId())) {
                return CallOutcome.blocked(refusal(call, "the credentials now belong to another agent"));
            }
            return chain.proceed(call.withAgent(authenticated.identity()));
        }
        return CallOutcome.blocked(refusal(call, ((Authenticator.AuthResult.Refused) result).message()));
    }

    private static Decision refusal(ToolCall call, String why) {
        return Decision.blocked(BlockReason.AUTHENTICATION, "authentication", Optional.empty(),
                "Tollgate blocked " + call.tool().qualified() + ": " + why + ".");
    }
}
