package dev.tollgate.identity;

import java.util.Optional;

/**
 * Builds the {@code WWW-Authenticate} value of a 401 (RFC 6750 + RFC 9728): where the protected resource
 * metadata lives, and for a refused token, {@code error="invalid_token"} with a description.
 */
public final class BearerChallenge {
    public static final String WELL_KNOWN_PATH = "/.well-known/oauth-protected-resource";

    private BearerChallenge() {}

    /** The challenge when no credential was presented: only where to learn how to get one. */
    public static String missing(String baseUrl) {
        return "Bearer resource_metadata=\"" + quote(metadataUrl(baseUrl)) + "\"";
    }

    /** The challenge for a refused credential. */
    public static String invalidToken(String baseUrl, String description) {
        return "Bearer error=\"invalid_token\", error_description=\"" + quote(description) + "\", resource_metadata=\""
                + quote(metadataUrl(baseUrl)) + "\"";
    }

    /** Chooses between the two from what the agent presented. */
    public static String forRefusal(String baseUrl, Credentials presented, String description) {
        return presented.bearer().isEmpty() ? missing(baseUrl) : invalidToken(baseUrl, description);
    }

    /** {@code <base>/.well-known/oauth-protected-resource}, for a base such as {@code http://127.0.0.1:7070}. */
    public static String metadataUrl(String baseUrl) {
        String base = baseUrl.endsWith("/") ? baseUrl.substring(0, baseUrl.length() - 1) : baseUrl;
        return base + WELL_KNOWN_PATH;
    }

    public static Optional<String> description(Authenticator.AuthResult result) {
        return result instanceof Authenticator.AuthResult.Refused refused
                ? Optional.of(refused.message())
                : Optional.empty();
    }

    /** Header values are quoted-strings: no quotes, backslashes or line breaks may leak through. */
    private static String quote(String text) {
        return text.replace("\\", "\\\\").replace("\"", "'").replaceAll("[\\r\\n\\t]+", " ");
    }
}
