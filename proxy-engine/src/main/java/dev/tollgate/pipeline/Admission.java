package dev.tollgate.pipeline;

import dev.tollgate.identity.AgentIdentity;
import dev.tollgate.identity.Authenticator;
import java.util.Optional;

/**
 * Who the transport found a request's agent to be when it let the request in, and with which authenticator (the
 * one of the call snapshot in force then). A call made by that request takes this identity instead of
 * authenticating again, as long as its own snapshot holds the same authenticator; after a reload in between, the
 * identity link authenticates the call with its snapshot's authenticator, so identity and policy always come from
 * one configuration.
 */
public record Admission(Authenticator authenticator, AgentIdentity agent) {
    /** The identity for a call decided with {@code snapshot}, if this admission was made with its authenticator. */
    public Optional<AgentIdentity> agentFor(CallSnapshot snapshot) {
        return snapshot.authenticator() == authenticator ? Optional.of(agent) : Optional.empty();
    }
}
