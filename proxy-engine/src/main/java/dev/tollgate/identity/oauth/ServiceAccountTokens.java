package dev.tollgate.identity.oauth;

import com.nimbusds.oauth2.sdk.ClientCredentialsGrant;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Tollgate's own tokens for upstreams with {@code auth: client_credentials}: obtained from the token endpoint
 * with the configured client, kept in memory only, and fetched again shortly before they expire.
 */
public final class ServiceAccountTokens {
    private final Map<String, UpstreamOAuthSettings> servers;
    private final OAuthDiscovery discovery;
    private final Duration refreshSkew;
    private final Clock clock;
    private final Map<String, StoredToken> current = new ConcurrentHashMap<>();
    private final Map<String, Object> locks = new ConcurrentHashMap<>();

    public ServiceAccountTokens(
            Map<String, UpstreamOAuthSettings> servers, OAuthDiscovery discovery, Duration refreshSkew, Clock clock) {
        this.servers = Map.copyOf(servers);
        this.discovery = discovery;
        this.refreshSkew = refreshSkew;
        this.clock = clock;
        for (UpstreamOAuthSettings s : servers.values()) {
            if (s.mode() != UpstreamOAuthSettings.Mode.CLIENT_CREDENTIALS) {
                throw new IllegalArgumentException("server " + s.server() + " does not use client credentials");
            }
        }
    }

    public boolean handles(String server) {
        return servers.containsKey(server);
    }

    /** A valid token for the server; throws {@link OAuthException} when the token endpoint refuses. */
    public String accessToken(String server) {
        UpstreamOAuthSettings settings = servers.get(server);
        if (settings == null) {
            throw new IllegalArgumentException("server " + server + " does not use client credentials");
        }
        synchronized (locks.computeIfAbsent(server, s -> new Object())) {
            StoredToken token = current.get(server);
            if (token == null || token.expiresBefore(clock.instant().plus(refreshSkew))) {
                AuthorizationServer as = discovery.discover(settings);
                token = OAuthClient.token(
                        as.tokenEndpoint(),
                        new OAuthClient.Registration(settings.clientId().orElseThrow(), settings.clientSecret()),
                        new ClientCredentialsGrant(),
                        settings.resource(),
                        settings.scopes(),
                        clock);
                current.put(server, token);
            }
            return token.accessToken();
        }
    }

    /** Forgets the server's token, so the next call fetches a new one (after a 401 from the upstream, say). */
    public void invalidate(String server) {
        current.remove(server);
    }

    public Optional<java.util.List<String>> grantedScopes(String server) {
        return Optional.ofNullable(current.get(server)).map(StoredToken::scopes);
    }
}
