package dev.tollgate.identity;

import dev.tollgate.config.TollgateConfig;
import dev.tollgate.identity.oauth.EncryptedTokenStore;
import dev.tollgate.identity.oauth.OAuthCallbackHandler;
import dev.tollgate.identity.oauth.OAuthDiscovery;
import dev.tollgate.identity.oauth.ServiceAccountInterceptor;
import dev.tollgate.identity.oauth.ServiceAccountTokens;
import dev.tollgate.identity.oauth.TokenKeys;
import dev.tollgate.identity.oauth.UpstreamOAuthSettings;
import dev.tollgate.identity.oauth.UserOAuthService;
import dev.tollgate.identity.oauth.UserTokenInjectionInterceptor;
import dev.tollgate.pipeline.Interceptor;
import dev.tollgate.session.SessionListener;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import java.util.stream.Collectors;
import javax.crypto.SecretKey;
import okhttp3.OkHttpClient;
import org.eclipse.jetty.server.Handler;

/**
 * Everything identity contributes to a running engine, built from one config: the authenticator for the
 * HTTP layer, the identity link, the upstream-token links (per-user OAuth, service accounts), the HTTP
 * handlers to mount (protected resource metadata, OAuth callback) and the session-end listener that
 * revokes user tokens. Build it after the listener is bound, so URLs carry the real port.
 */
public final class IdentityServices {
    /** Where the token key lives unless {@code identity.oauth.keyFile} or {@code identity.oauth.key} says otherwise. */
    public static final Path DEFAULT_KEY_FILE = Path.of(System.getProperty("user.home"), ".tollgate", "token.key");

    private final IdentityConfig identity;
    private final Authenticator authenticator;
    private final Optional<UserTokenVerifier> users;
    private final Optional<UserOAuthService> userOAuth;
    private final Optional<ServiceAccountTokens> serviceAccounts;

    private IdentityServices(
            IdentityConfig identity,
            Authenticator authenticator,
            Optional<UserTokenVerifier> users,
            Optional<UserOAuthService> userOAuth,
            Optional<ServiceAccountTokens> serviceAccounts) {
        this.identity = identity;
        this.authenticator = authenticator;
        this.users = users;
        this.userOAuth = userOAuth;
        this.serviceAccounts = serviceAccounts;
    }

    /** For a config whose {@code listen} port is the real one (not 0). */
    public static IdentityServices create(TollgateConfig config) {
        return create(config, () -> IdentityConfig.baseUrl(config), Clock.systemUTC());
    }

    /**
     * @param boundBaseUrl the agent-facing base URL once the server is bound ({@code http://127.0.0.1:PORT}),
     *                     asked only when an OAuth redirect is first built and no callbackBase is configured
     */
    public static IdentityServices create(TollgateConfig config, Supplier<String> boundBaseUrl, Clock clock) {
        IdentityConfig identity = IdentityConfig.from(config);
        Map<String, UpstreamOAuthSettings> upstreams = UpstreamOAuthSettings.from(config);
        OAuthDiscovery discovery = new OAuthDiscovery(new OkHttpClient.Builder()
                .connectTimeout(5, TimeUnit.SECONDS)
                .readTimeout(15, TimeUnit.SECONDS)
                .build());
        Map<String, UpstreamOAuthSettings> perUser = only(upstreams, UpstreamOAuthSettings.Mode.USER);
        Map<String, UpstreamOAuthSettings> service = only(upstreams, UpstreamOAuthSettings.Mode.CLIENT_CREDENTIALS);
        Duration skew = identity.oauth().refreshSkew();
        Optional<UserOAuthService> userOAuth = Optional.empty();
        if (!perUser.isEmpty()) {
            SecretKey key = identity.oauth()
                    .key()
                    .map(TokenKeys::fromBase64)
                    .orElseGet(() ->
                            TokenKeys.loadOrCreate(identity.oauth().keyFile().orElse(DEFAULT_KEY_FILE)));
            EncryptedTokenStore store =
                    new EncryptedTokenStore(key, identity.oauth().storeFile());
            Optional<String> configuredBase = identity.oauth().callbackBase();
            userOAuth = Optional.of(new UserOAuthService(
                    perUser,
                    discovery,
                    store,
                    () -> UserOAuthService.callbackUri(configuredBase.orElseGet(boundBaseUrl)),
                    skew,
                    clock));
        }
        Optional<ServiceAccountTokens> serviceAccounts = service.isEmpty()
                ? Optional.empty()
                : Optional.of(new ServiceAccountTokens(service, discovery, skew, clock));
        return new IdentityServices(
                identity,
                identity.authenticator(config),
                identity.userToken().map(UserTokenVerifier::new),
                userOAuth,
                serviceAccounts);
    }

    private static Map<String, UpstreamOAuthSettings> only(
            Map<String, UpstreamOAuthSettings> all, UpstreamOAuthSettings.Mode mode) {
        return all.entrySet().stream()
                .filter(e -> e.getValue().mode() == mode)
                .collect(Collectors.toMap(Map.Entry::getKey, Map.Entry::getValue, (a, b) -> a, LinkedHashMap::new));
    }

    /** API keys, then JWT agents when {@code identity.jwt} is configured. */
    public Authenticator authenticator() {
        return authenticator;
    }

    /** The request header the transport reads the end user's token from ({@code identity.userToken.header}). */
    public String userTokenHeader() {
        return identity.userToken().map(UserTokenSettings::header).orElse(UserTokenSettings.DEFAULT_HEADER);
    }

    /** The identity link of the chain (agent, then the end user's token); its chain's snapshot names the authenticator. */
    public Interceptor identityLink() {
        return new IdentityInterceptor(users);
    }

    /** Links that put upstream tokens on calls; they go after the credential-injection link, before forwarding. */
    public List<Interceptor> upstreamTokenLinks() {
        List<Interceptor> links = new ArrayList<>();
        userOAuth.ifPresent(o -> links.add(new UserTokenInjectionInterceptor(o)));
        serviceAccounts.ifPresent(s -> links.add(new ServiceAccountInterceptor(s)));
        return links;
    }

    /** Exact paths to mount on the agent-facing server, with their handlers. */
    public Map<String, Handler> handlers() {
        Map<String, Handler> routes = new LinkedHashMap<>();
        ProtectedResourceMetadataHandler metadata = new ProtectedResourceMetadataHandler(identity.metadata());
        routes.put(BearerChallenge.WELL_KNOWN_PATH, metadata);
        routes.put(BearerChallenge.WELL_KNOWN_PATH + "/mcp", metadata);
        userOAuth.ifPresent(o -> routes.put(OAuthCallbackHandler.PATH, new OAuthCallbackHandler(o)));
        return routes;
    }

    /** Revokes the user tokens a session used when it ends (closed, idle, shutdown). */
    public SessionListener sessionListener() {
        return (session, reason) -> revokeSession(session.id());
    }

    public void revokeSession(String sessionId) {
        userOAuth.ifPresent(o -> o.revokeSession(sessionId));
    }

    public void revokeUser(String user) {
        userOAuth.ifPresent(o -> o.revokeUser(user));
    }

    public IdentityConfig config() {
        return identity;
    }

    public Optional<UserOAuthService> userOAuth() {
        return userOAuth;
    }
}
