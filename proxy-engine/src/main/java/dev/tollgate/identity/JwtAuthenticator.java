package dev.tollgate.identity;

import com.nimbusds.jwt.JWTClaimsSet;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;

/**
 * Authenticates agents that present a signed JWT as their bearer credential. The agent id comes from the
 * configured claim; roles from the per-agent config, and from the roles claim when one is configured. An
 * agent with neither is refused rather than admitted with no roles, so a typo in config shows up at once.
 */
public final class JwtAuthenticator implements Authenticator {
    public static final String METHOD = "jwt";

    private final JwtAgentSettings settings;
    private final JwtVerifier verifier;

    public JwtAuthenticator(JwtAgentSettings settings) {
        this.settings = settings;
        this.verifier = new JwtVerifier(settings.trust());
    }

    @Override
    public AuthResult authenticate(Credentials credentials) {
        if (credentials.bearer().isEmpty()) {
            return new AuthResult.Refused("missing Authorization: Bearer credential");
        }
        JwtVerifier.Result result = verifier.verify(credentials.bearer().get());
        if (result instanceof JwtVerifier.Result.Invalid invalid) {
            return new AuthResult.Refused(invalid.reason());
        }
        JWTClaimsSet claims = ((JwtVerifier.Result.Valid) result).claims();
        Optional<String> agentId = Claims.string(claims, settings.agentClaim());
        if (agentId.isEmpty() || agentId.get().isBlank()) {
            return new AuthResult.Refused("the token has no '" + settings.agentClaim() + "' claim naming the agent");
        }
        List<String> configured = settings.agentRoles().get(agentId.get());
        List<String> claimed =
                settings.rolesClaim().map(c -> Claims.strings(claims, c)).orElse(List.of());
        if (configured == null && settings.rolesClaim().isEmpty()) {
            return new AuthResult.Refused("agent '" + agentId.get() + "' is not configured under identity.jwt.agents");
        }
        LinkedHashSet<String> roles = new LinkedHashSet<>(configured == null ? List.of() : configured);
        roles.addAll(claimed);
        return new AuthResult.Authenticated(new AgentIdentity(agentId.get(), new ArrayList<>(roles), METHOD));
    }
}
