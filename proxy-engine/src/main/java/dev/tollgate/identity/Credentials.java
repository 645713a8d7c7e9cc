package dev.tollgate.identity;

import java.util.Optional;

/**
 * What an agent presented to authenticate, as received. Never printed: toString hides the values
 * so a record that logs a call cannot leak a key.
 */
public record Credentials(Optional<String> bearer, Optional<String> userToken) {
    public static final Credentials NONE = new Credentials(Optional.empty(), Optional.empty());

    public static Credentials bearer(String token) {
        return new Credentials(Optional.of(token), Optional.empty());
    }

    @Override
    public String toString() {
        return "Credentials[bearer=" + (bearer.isPresent() ? "***" : "none") + ", userToken="
                + (userToken.isPresent() ? "***" : "none") + "]";
    }
}
