package dev.tollgate.identity;

import dev.tollgate.pipeline.BlockReason;
import dev.tollgate.pipeline.CallOutcome;
import dev.tollgate.pipeline.Decision;
import dev.tollgate.pipeline.Interceptor;
import dev.tollgate.pipeline.ToolCall;
import java.util.Optional;

/**
 * The identity link: establishes who the call is from with the call snapshot's authenticator, once per call. When
 * the transport admitted the request with that same authenticator, its identity is taken as is; otherwise (stdio,
 * a replayed call, a reload between admission and the chain) the call's credentials are authenticated here, since a
 * reload may have removed the key or changed the roles. When the agent forwarded its end user's token, it attaches the verified user, so policy and audit see who
 * the call is for. A bad user token blocks the call rather than dropping the user.
 */
public final class IdentityInterceptor implements Interceptor {
    public static final String RULE = "identity";

    private final Optional<UserTokenVerifier> users;

    /** The authenticator comes from each call's snapshot, so a reloaded config takes effect from the next call. */
    public IdentityInterceptor(Optional<UserTokenVerifier> users) {
        this.users = users;
    }

    /** Agents only: a user token sent anyway is refused, since nothing is configured to verify it. */
    public IdentityInterceptor() {
        this(Optional.empty());
    }

    @Override
    public CallOutcome intercept(Chain chain) {
        ToolCall call = chain.call();
        Optional<AgentIdentity> admitted = chain.context().admission().flatMap(a -> a.agentFor(chain.snapshot()));
        AgentIdentity current;
        if (admitted.isPresent()) {
            current = admitted.get();
        } else {
            Authenticator.AuthResult auth = chain.snapshot().authenticator().authenticate(call.credentials());
            if (auth instanceof Authenticator.AuthResult.Refused refused) {
                return blocked("authentication failed: " + refused.message());
            }
            current = ((Authenticator.AuthResult.Authenticated) auth).identity();
        }
        if (call.agent().isPresent() && !call.agent().get().agentId().equals(current.agentId())) {
            return blocked("authentication failed: the credentials now belong to agent " + current.agentId());
        }
        call = call.withAgent(current);
        if (call.user().isEmpty()) {
            Optional<String> token = call.credentials().userToken();
            if (token.isPresent()) {
                if (users.isEmpty()) {
                    return blocked("a user token was sent but identity.userToken is not configured to verify it");
                }
                UserTokenVerifier.Result result = users.get().verify(token.get());
                if (result instanceof UserTokenVerifier.Result.Refused refused) {
                    return blocked(refused.reason());
                }
                call = call.withUser(((UserTokenVerifier.Result.Verified) result).user());
            } else if (users.isPresent() && users.get().settings().required()) {
                return blocked("this Tollgate requires the end user's token in "
                        + users.get().settings().header());
            }
        }
        return chain.proceed(call);
    }

    private static CallOutcome blocked(String message) {
        return CallOutcome.blocked(Decision.blocked(BlockReason.AUTHENTICATION, RULE, Optional.empty(), message));
    }
}
