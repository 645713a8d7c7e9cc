package dev.tollgate.identity.oauth;

import java.time.Instant;
import java.util.List;
import java.util.Optional;

/** A token set held for one (user, server); toString hides the tokens so it can never be logged by accident. */
public record StoredToken(
        String accessToken, Optional<String> refreshToken, Optional<Instant> expiresAt, List<String> scopes) {
    public StoredToken {
        scopes = List.copyOf(scopes);
    }

    /** Expiring within {@code skew} of {@code now} counts as expired: refresh before the upstream says no. */
    public boolean expiresBefore(Instant when) {
        return expiresAt.map(e -> !e.isAfter(when)).orElse(false);
    }

    @Override
    public String toString() {
        return "StoredToken[access=***, refresh=" + (refreshToken.isPresent() ? "***" : "none") + ", expiresAt="
                + expiresAt.map(Instant::toString).orElse("unknown") + ", scopes=" + scopes + "]";
    }
}
