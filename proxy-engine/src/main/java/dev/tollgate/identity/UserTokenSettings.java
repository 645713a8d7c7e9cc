package dev.tollgate.identity;

/**
 * How an end user's token (sent by the agent in {@link #header}) becomes a {@link UserIdentity}: whom to
 * trust, and which claims hold the subject, the groups and the scopes. {@code required} refuses calls
 * without one.
 */
public record UserTokenSettings(
        JwtTrust trust, String header, String subjectClaim, String groupsClaim, String scopeClaim, boolean required) {
    public static final String DEFAULT_HEADER = "X-Tollgate-User-Token";
}
