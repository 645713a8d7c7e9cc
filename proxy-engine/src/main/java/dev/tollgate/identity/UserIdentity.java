package dev.tollgate.identity;

import java.util.List;

/** The end user an agent acts for, as verified from the user's token. */
public record UserIdentity(String subject, List<String> groups, List<String> scopes) {
    public UserIdentity {
        groups = List.copyOf(groups);
        scopes = List.copyOf(scopes);
    }
}
