package dev.tollgate.identity.oauth;

import java.net.URI;
import java.util.Optional;

/** The endpoints of an authorization server (RFC 8414), as discovered or configured. */
public record AuthorizationServer(
        String issuer,
        Optional<URI> authorizationEndpoint,
        URI tokenEndpoint,
        Optional<URI> revocationEndpoint,
        Optional<URI> registrationEndpoint) {}
