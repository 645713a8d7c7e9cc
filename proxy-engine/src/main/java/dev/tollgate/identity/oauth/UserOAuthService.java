package dev.tollgate.identity.oauth;

import com.nimbusds.oauth2.sdk.AuthorizationCode;
import com.nimbusds.oauth2.sdk.AuthorizationCodeGrant;
import com.nimbusds.oauth2.sdk.AuthorizationRequest;
import com.nimbusds.oauth2.sdk.RefreshTokenGrant;
import com.nimbusds.oauth2.sdk.ResponseType;
import com.nimbusds.oauth2.sdk.Scope;
import com.nimbusds.oauth2.sdk.id.ClientID;
import com.nimbusds.oauth2.sdk.id.State;
import com.nimbusds.oauth2.sdk.pkce.CodeChallengeMethod;
import com.nimbusds.oauth2.sdk.pkce.CodeVerifier;
import com.nimbusds.oauth2.sdk.token.BearerAccessToken;
import com.nimbusds.oauth2.sdk.token.RefreshToken;
import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Per-user OAuth to upstream servers. Tollgate runs the authorization code flow with PKCE itself (its own
 * callback, RFC 8707 resource = the upstream URL), keeps each user's tokens encrypted and bound to (user,
 * server), refreshes them before they expire, and revokes them when the session that used them ends. The
 * agent's own credential is never involved: upstreams only ever see the user's token.
 */
public final class UserOAuthService {
    private static final Logger LOG = LoggerFactory.getLogger(UserOAuthService.class);
    private static final Duration PENDING_LIFETIME = Duration.ofMinutes(10);

    private record Pending(String user, String server, String sessionId, CodeVerifier verifier, Instant createdAt) {
        @Override
        public String toString() {
            return "Pending[" + user + ", " + server + ", " + sessionId + "]";
        }
    }

    /** What the callback learned: whose authorization completed, for which server. */
    public record Completion(String user, String server) {}

    private final Map<String, UpstreamOAuthSettings> servers;
    private final OAuthDiscovery discovery;
    private final EncryptedTokenStore store;
    private final Supplier<URI> callbackUri;
    private final Duration refreshSkew;
    private final Clock clock;
    private final Map<String, Pending> pending = new ConcurrentHashMap<>();
    private final Map<String, OAuthClient.Registration> registrations = new ConcurrentHashMap<>();
    private final Map<String, Set<TokenBinding>> sessions = new ConcurrentHashMap<>();
    private final Map<TokenBinding, Object> locks = new ConcurrentHashMap<>();

    public UserOAuthService(
            Map<String, UpstreamOAuthSettings> servers,
            OAuthDiscovery discovery,
            EncryptedTokenStore store,
            URI callbackUri,
            Duration refreshSkew,
            Clock clock) {
        this(servers, discovery, store, () -> callbackUri, refreshSkew, clock);
    }

    /** The callback is looked up when first needed, so an engine listening on port 0 can supply the bound port. */
    public UserOAuthService(
            Map<String, UpstreamOAuthSettings> servers,
            OAuthDiscovery discovery,
            EncryptedTokenStore store,
            Supplier<URI> callbackUri,
            Duration refreshSkew,
            Clock clock) {
        this.servers = Map.copyOf(servers);
        this.discovery = discovery;
        this.store = store;
        this.callbackUri = callbackUri;
        this.refreshSkew = refreshSkew;
        this.clock = clock;
        for (UpstreamOAuthSettings s : servers.values()) {
            if (s.mode() != UpstreamOAuthSettings.Mode.USER) {
                throw new IllegalArgumentException("server " + s.server() + " does not use per-user OAuth");
            }
        }
    }

    /** {@code <base>/oauth/callback}, the redirect URI Tollgate registers. */
    public static URI callbackUri(String baseUrl) {
        return URI.create((baseUrl.endsWith("/") ? baseUrl.substring(0, baseUrl.length() - 1) : baseUrl)
                + OAuthCallbackHandler.PATH);
    }

    public boolean handles(String server) {
        return servers.containsKey(server);
    }

    /**
     * The user's current token for the server, refreshed first when it is about to expire; empty when the
     * user has not authorized yet or the refresh was refused (the stale token is then erased).
     */
    public Optional<String> accessToken(String user, String server, String sessionId) {
        TokenBinding binding = new TokenBinding(user, server);
        synchronized (locks.computeIfAbsent(binding, b -> new Object())) {
            Optional<StoredToken> stored = store.get(binding);
            if (stored.isEmpty()) {
                return Optional.empty();
            }
            StoredToken token = stored.get();
            if (token.expiresBefore(clock.instant().plus(refreshSkew))) {
                Optional<StoredToken> refreshed = refresh(binding, token);
                if (refreshed.isEmpty()) {
                    store.remove(binding);
                    return Optional.empty();
                }
                token = refreshed.get();
            }
            sessions.computeIfAbsent(sessionId, s -> ConcurrentHashMap.newKeySet())
                    .add(binding);
            return Optional.of(token.accessToken());
        }
    }

    /** The scopes the user's stored token carries, for display and tests; never the token itself. */
    public Optional<List<String>> grantedScopes(String user, String server) {
        return store.get(new TokenBinding(user, server)).map(StoredToken::scopes);
    }

    /** Starts an authorization for the user: the URL the user opens in a browser. */
    public URI authorizationUrl(String user, String server, String sessionId) {
        UpstreamOAuthSettings settings = settings(server);
        AuthorizationServer as = discovery.discover(settings);
        URI endpoint = as.authorizationEndpoint()
                .orElseThrow(() ->
                        new OAuthException("the authorization server of " + server + " has no authorization_endpoint"));
        expirePending();
        CodeVerifier verifier = new CodeVerifier();
        State state = new State();
        pending.put(state.getValue(), new Pending(user, server, sessionId, verifier, clock.instant()));
        AuthorizationRequest.Builder request = new AuthorizationRequest.Builder(
                        ResponseType.CODE, new ClientID(client(settings, as).clientId()))
                .endpointURI(endpoint)
                .redirectionURI(callbackUri.get())
                .state(state)
                .codeChallenge(verifier, CodeChallengeMethod.S256)
                .resources(settings.resource());
        if (!settings.scopes().isEmpty()) {
            request.scope(new Scope(settings.scopes().toArray(String[]::new)));
        }
        return request.build().toURI();
    }

    /** Finishes an authorization from the callback: exchanges the code and stores the user's tokens. */
    public Completion complete(String state, String code) {
        Pending started = pending.remove(state);
        if (started == null || started.createdAt().plus(PENDING_LIFETIME).isBefore(clock.instant())) {
            throw new OAuthException("this authorization is unknown or has expired; ask the agent to start it again");
        }
        UpstreamOAuthSettings settings = settings(started.server());
        AuthorizationServer as = discovery.discover(settings);
        OAuthClient.Exchange exchange = OAuthClient.exchange(
                as.tokenEndpoint(),
                client(settings, as),
                new AuthorizationCodeGrant(new AuthorizationCode(code), callbackUri.get(), started.verifier()),
                settings.resource(),
                settings.scopes(),
                clock);
        if (settings.userClaim().isPresent()) {
            String claim = settings.userClaim().get();
            Optional<Object> signedInAs = exchange.signedIn().map(c -> c.getClaim(claim));
            if (signedInAs.isEmpty() || !started.user().equals(String.valueOf(signedInAs.get()))) {
                LOG.warn(
                        "refused an authorization for user {} on server {}: the sign-in was for {}",
                        started.user(),
                        started.server(),
                        signedInAs.map(String::valueOf).orElse("an unknown user"));
                throw new OAuthException("this authorization link was issued for " + started.user()
                        + ", but the sign-in was for "
                        + signedInAs.map(String::valueOf).orElse("an unknown user")
                        + "; nothing was stored");
            }
        }
        StoredToken token = exchange.token();
        TokenBinding binding = new TokenBinding(started.user(), started.server());
        synchronized (locks.computeIfAbsent(binding, b -> new Object())) {
            store.put(binding, token);
        }
        sessions.computeIfAbsent(started.sessionId(), s -> ConcurrentHashMap.newKeySet())
                .add(binding);
        LOG.info(
                "user {} authorized Tollgate for server {} (scopes {})",
                started.user(),
                started.server(),
                token.scopes());
        return new Completion(started.user(), started.server());
    }

    /** Revokes (RFC 7009, where the server offers it) and erases every user token the session used. */
    public void revokeSession(String sessionId) {
        Set<TokenBinding> used = sessions.remove(sessionId);
        pending.values().removeIf(p -> p.sessionId().equals(sessionId));
        if (used != null) {
            used.forEach(this::revoke);
        }
    }

    /** Revokes and erases every token held for the user, whatever session obtained it. */
    public void revokeUser(String user) {
        for (TokenBinding binding : store.bindings()) {
            if (binding.user().equals(user)) {
                revoke(binding);
            }
        }
        sessions.values().forEach(set -> set.removeIf(b -> b.user().equals(user)));
    }

    private void revoke(TokenBinding binding) {
        synchronized (locks.computeIfAbsent(binding, b -> new Object())) {
            Optional<StoredToken> token = store.get(binding);
            store.remove(binding);
            if (token.isEmpty()) {
                return;
            }
            UpstreamOAuthSettings settings = servers.get(binding.server());
            try {
                AuthorizationServer as = discovery.discover(settings);
                if (as.revocationEndpoint().isEmpty()) {
                    LOG.info(
                            "erased the token of user {} for server {} (its server offers no revocation)",
                            binding.user(),
                            binding.server());
                    return;
                }
                OAuthClient.Registration client = client(settings, as);
                OAuthClient.Revocation refresh = token.get()
                        .refreshToken()
                        .map(r -> OAuthClient.revoke(as.revocationEndpoint().get(), client, new RefreshToken(r)))
                        .orElse(OAuthClient.Revocation.NOT_REVOCABLE);
                OAuthClient.Revocation access = OAuthClient.revoke(
                        as.revocationEndpoint().get(),
                        client,
                        new BearerAccessToken(token.get().accessToken()));
                if (refresh == OAuthClient.Revocation.FAILED || access == OAuthClient.Revocation.FAILED) {
                    LOG.warn(
                            "erased the token of user {} for server {}, but its server did not confirm revocation",
                            binding.user(),
                            binding.server());
                } else {
                    LOG.info(
                            "revoked and erased the token of user {} for server {} (refresh token: {}, access token: {})",
                            binding.user(),
                            binding.server(),
                            describe(refresh),
                            describe(access));
                }
            } catch (OAuthException e) {
                LOG.warn(
                        "erased the token of user {} for server {}, revocation failed: {}",
                        binding.user(),
                        binding.server(),
                        e.getMessage());
            }
        }
    }

    private static String describe(OAuthClient.Revocation revocation) {
        return revocation == OAuthClient.Revocation.REVOKED ? "revoked" : "not revocable, left to expire";
    }

    private Optional<StoredToken> refresh(TokenBinding binding, StoredToken token) {
        if (token.refreshToken().isEmpty()) {
            return Optional.empty();
        }
        UpstreamOAuthSettings settings = settings(binding.server());
        try {
            AuthorizationServer as = discovery.discover(settings);
            StoredToken fresh = OAuthClient.token(
                    as.tokenEndpoint(),
                    client(settings, as),
                    new RefreshTokenGrant(new RefreshToken(token.refreshToken().get())),
                    settings.resource(),
                    settings.scopes(),
                    clock);
            StoredToken kept = fresh.refreshToken().isPresent()
                    ? fresh
                    : new StoredToken(fresh.accessToken(), token.refreshToken(), fresh.expiresAt(), fresh.scopes());
            store.put(binding, kept);
            return Optional.of(kept);
        } catch (OAuthException e) {
            LOG.warn(
                    "refreshing the token of user {} for server {} failed: {}",
                    binding.user(),
                    binding.server(),
                    e.getMessage());
            return Optional.empty();
        }
    }

    private OAuthClient.Registration client(UpstreamOAuthSettings settings, AuthorizationServer as) {
        if (settings.clientId().isPresent()) {
            return new OAuthClient.Registration(settings.clientId().get(), settings.clientSecret());
        }
        return registrations.computeIfAbsent(
                settings.server(),
                name -> OAuthClient.register(
                        as.registrationEndpoint()
                                .orElseThrow(() -> new OAuthException("the authorization server of " + name
                                        + " offers no dynamic client registration; configure servers." + name
                                        + ".oauth.clientId")),
                        callbackUri.get()));
    }

    private UpstreamOAuthSettings settings(String server) {
        UpstreamOAuthSettings settings = servers.get(server);
        if (settings == null) {
            throw new IllegalArgumentException("server " + server + " does not use per-user OAuth");
        }
        return settings;
    }

    private void expirePending() {
        Instant cutoff = clock.instant().minus(PENDING_LIFETIME);
        pending.values().removeIf(p -> p.createdAt().isBefore(cutoff));
    }
}
