package dev.tollgate.identity;

import com.nimbusds.jwt.JWTClaimsSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;

/** Verifies the end user's token like an agent JWT, against the organisation's IdP, and reads who the user is. */
public final class UserTokenVerifier {
    private final UserTokenSettings settings;
    private final JwtVerifier verifier;

    public UserTokenVerifier(UserTokenSettings settings) {
        this.settings = settings;
        this.verifier = new JwtVerifier(settings.trust());
    }

    /** The user, or why the token was refused. */
    public sealed interface Result {
        record Verified(UserIdentity user) implements Result {}

        record Refused(String reason) implements Result {}
    }

    public Result verify(String token) {
        JwtVerifier.Result result = verifier.verify(token);
        if (result instanceof JwtVerifier.Result.Invalid invalid) {
            return new Result.Refused("user token refused: " + invalid.reason());
        }
        JWTClaimsSet claims = ((JwtVerifier.Result.Valid) result).claims();
        Optional<String> subject = Claims.string(claims, settings.subjectClaim());
        if (subject.isEmpty() || subject.get().isBlank()) {
            return new Result.Refused("user token refused: no '" + settings.subjectClaim() + "' claim");
        }
        LinkedHashSet<String> scopes = new LinkedHashSet<>(Claims.strings(claims, settings.scopeClaim()));
        if (scopes.isEmpty()) {
            scopes.addAll(Claims.strings(claims, "scp"));
        }
        List<String> groups = Claims.strings(claims, settings.groupsClaim());
        return new Result.Verified(new UserIdentity(subject.get(), groups, List.copyOf(scopes)));
    }

    public UserTokenSettings settings() {
        return settings;
    }
}
