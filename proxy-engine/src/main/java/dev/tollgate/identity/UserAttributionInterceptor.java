package dev.tollgate.identity;

import dev.tollgate.pipeline.CallOutcome;
import dev.tollgate.pipeline.Interceptor;
import dev.tollgate.pipeline.ToolCall;

/**
 * Goes before the audit link so the recorded attempt already names the end user: it only attaches a user
 * whose token verifies and never blocks, leaving refusals to the identity link after the attempt is recorded.
 */
public final class UserAttributionInterceptor implements Interceptor {
    private final UserTokenVerifier users;

    public UserAttributionInterceptor(UserTokenVerifier users) {
        this.users = users;
    }

    @Override
    public CallOutcome intercept(Chain chain) {
        ToolCall call = chain.call();
        if (call.user().isEmpty() && call.credentials().userToken().isPresent()
                && users.verify(call.credentials().userToken().get()) instanceof UserTokenVerifier.Result.Verified v) {
            call = call.withUser(v.user());
        }
        return chain.proceed(call);
    }
}
