package dev.tollgate.identity.oauth;

import static org.assertj.core.api.Assertions.assertThat;

import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import dev.tollgate.identity.Credentials;
import dev.tollgate.identity.IdentityInterceptor;
import dev.tollgate.identity.JwtAgentSettings;
import dev.tollgate.identity.JwtAuthenticator;
import dev.tollgate.identity.JwtTrust;
import dev.tollgate.identity.UserTokenSettings;
import dev.tollgate.identity.UserTokenVerifier;
import dev.tollgate.json.Json;
import dev.tollgate.pipeline.AgentChannel;
import dev.tollgate.pipeline.BlockReason;
import dev.tollgate.pipeline.CallContext;
import dev.tollgate.pipeline.CallOutcome;
import dev.tollgate.pipeline.CallSnapshot;
import dev.tollgate.pipeline.Pipeline;
import dev.tollgate.pipeline.ToolAnnotations;
import dev.tollgate.pipeline.ToolCall;
import dev.tollgate.pipeline.ToolRef;
import dev.tollgate.testing.OAuthTestServer;
import dev.tollgate.upstream.UpstreamAuth;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import okhttp3.OkHttpClient;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PerUserOAuthTest {
    private static final String AGENT_AUDIENCE = "http://127.0.0.1:7070/mcp";
    private static final CallContext CONTEXT =
            new CallContext("2025-06-18", AgentChannel.DISCARD, Duration.ofSeconds(10));

    @TempDir
    Path dir;

    private OAuthTestServer as;
    private RecordingUpstream upstream;
    private Directory directory;
    private Server tollgate;
    private final MutableClock clock = new MutableClock();
    private UserOAuthService oauth;
    private Pipeline pipeline;
    private final List<String> agentBearers = new ArrayList<>();
    private final ByteArrayOutputStream log = new ByteArrayOutputStream();
    private PrintStream originalErr;

    @BeforeEach
    void start() throws Exception {
        originalErr = System.err;
        System.setErr(new PrintStream(new TeeStream(originalErr, log), true, StandardCharsets.UTF_8));
        as = OAuthTestServer.start();
        upstream = new RecordingUpstream(as.issuer("crm-as"));
        directory = new Directory("crm-as", upstream.url());
        tollgate = new Server();
        ServerConnector connector = new ServerConnector(tollgate);
        connector.setHost("127.0.0.1");
        connector.setPort(0);
        tollgate.addConnector(connector);
        Handler.Wrapper mount = new Handler.Wrapper(true);
        tollgate.setHandler(mount);
        tollgate.start();
        URI callback = UserOAuthService.callbackUri("http://127.0.0.1:" + connector.getLocalPort());
        UpstreamOAuthSettings crm = new UpstreamOAuthSettings(
                "crm",
                UpstreamOAuthSettings.Mode.USER,
                URI.create(upstream.url()),
                Optional.empty(),
                Optional.empty(),
                Optional.of("tollgate"),
                Optional.of("tollgate-secret"),
                List.of("openid", "crm.read"),
                Optional.of("sub"));
        EncryptedTokenStore store = new EncryptedTokenStore(
                TokenKeys.loadOrCreate(dir.resolve("token.key")), Optional.of(dir.resolve("tokens.json")));
        oauth = new UserOAuthService(
                Map.of("crm", crm),
                new OAuthDiscovery(new OkHttpClient()),
                store,
                callback,
                Duration.ofSeconds(30),
                clock);
        mount.setHandler(new OAuthCallbackHandler(oauth));

        JwtAuthenticator agents = new JwtAuthenticator(new JwtAgentSettings(
                trust("agents", AGENT_AUDIENCE), "sub", Map.of("support-agent", List.of("support")), Optional.empty()));
        UserTokenVerifier users = new UserTokenVerifier(new UserTokenSettings(
                trust("corp", "support-app"), UserTokenSettings.DEFAULT_HEADER, "sub", "groups", "scope", true));
        pipeline = new Pipeline(
                List.of(
                        new IdentityInterceptor(Optional.of(users)),
                        new UserTokenInjectionInterceptor(oauth),
                        new ForwardingStandIn(upstream.url())),
                () -> CallSnapshot.identityOnly(agents));
    }

    @AfterEach
    void stop() throws Exception {
        System.setErr(originalErr);
        tollgate.stop();
        upstream.close();
        as.close();
    }

    private JwtTrust trust(String issuerId, String audience) {
        return new JwtTrust(
                as.issuer(issuerId),
                Optional.of(URI.create(as.jwksUrl(issuerId))),
                Optional.empty(),
                Set.of(audience),
                List.of(JWSAlgorithm.RS256),
                Duration.ofSeconds(5));
    }

    /** A call as the transport builds it: the agent's JWT as bearer, the user's IdP token alongside. */
    private CallOutcome callAs(String user, String sessionId) {
        String agentBearer = as.token("agents", "support-agent", AGENT_AUDIENCE).serialize();
        agentBearers.add(agentBearer);
        String userToken = as.token("corp", user, "support-app", Map.of("groups", List.of("support")), 600)
                .serialize();
        ToolCall call = new ToolCall(
                UUID.randomUUID().toString(),
                Instant.now(),
                sessionId,
                new Credentials(Optional.of(agentBearer), Optional.of(userToken)),
                Optional.empty(),
                Optional.empty(),
                new ToolRef("crm", "getAccount"),
                Json.object(),
                ToolAnnotations.NONE,
                Optional.empty(),
                Json.object(),
                new UpstreamAuth(Map.of("X-Static", "configured")));
        return pipeline.execute(call, CONTEXT);
    }

    /** The user opens the URL: the AS (non-interactive) redirects the browser to Tollgate's callback. */
    private HttpResponse<String> authorizeInBrowser(CallOutcome blocked, String user, String scope) throws Exception {
        return authorizeInBrowser(blocked, user, scope, user);
    }

    private HttpResponse<String> authorizeInBrowser(CallOutcome blocked, String user, String scope, String signedInAs)
            throws Exception {
        String url = blocked.result()
                .path("_meta")
                .path("tollgate")
                .path("authorizationUrl")
                .asString();
        directory.grant(user, scope);
        as.server().enqueueCallback(directory.signIn(signedInAs, 300));
        HttpClient browser = HttpClient.newBuilder()
                .followRedirects(HttpClient.Redirect.NORMAL)
                .build();
        return browser.send(
                HttpRequest.newBuilder(URI.create(url)).GET().build(), HttpResponse.BodyHandlers.ofString());
    }

    private static JWTClaimsSet upstreamToken(Optional<String> authorization) throws Exception {
        assertThat(authorization).hasValueSatisfying(v -> assertThat(v).startsWith("Bearer "));
        return SignedJWT.parse(authorization.get().substring("Bearer ".length()))
                .getJWTClaimsSet();
    }

    private static String text(CallOutcome outcome) {
        return outcome.result().path("content").get(0).path("text").asString();
    }

    @Test
    void aUserWithoutATokenGetsTheAuthorizationUrlAndNothingReachesTheUpstream() {
        CallOutcome outcome = callAs("alice", "session-a");

        assertThat(outcome.decision().reason()).isEqualTo(BlockReason.AUTHENTICATION);
        assertThat(text(outcome)).contains("crm needs alice's authorization").contains("Open http://");
        URI url = URI.create(outcome.result()
                .path("_meta")
                .path("tollgate")
                .path("authorizationUrl")
                .asString());
        assertThat(url.toString()).startsWith(as.issuer("crm-as") + "/authorize");
        assertThat(url.getQuery())
                .contains("code_challenge_method=S256")
                .contains("resource=" + upstream.url())
                .contains("redirect_uri=http://127.0.0.1:")
                .contains("/oauth/callback");
        assertThat(upstream.authorizations).isEmpty();
    }

    @Test
    void eachUserIsCalledWithTheirOwnTokenAndNeverTheAgents() throws Exception {
        HttpResponse<String> alicePage = authorizeInBrowser(callAs("alice", "session-a"), "alice", "crm.read");
        HttpResponse<String> bobPage = authorizeInBrowser(callAs("bob", "session-b"), "bob", "crm.read");
        assertThat(alicePage.statusCode()).isEqualTo(200);
        assertThat(alicePage.body()).contains("Authorization complete");
        assertThat(bobPage.statusCode()).isEqualTo(200);

        for (int i = 0; i < 2; i++) {
            assertThat(callAs("alice", "session-a").decision().isBlocked()).isFalse();
            assertThat(callAs("bob", "session-b").decision().isBlocked()).isFalse();
        }

        assertThat(upstream.authorizations).hasSize(4);
        for (int i = 0; i < 4; i++) {
            assertThat(upstreamToken(upstream.authorizations.get(i)).getSubject())
                    .isEqualTo(i % 2 == 0 ? "alice" : "bob");
        }
        assertThat(upstream.authorizations.get(0)).isNotEqualTo(upstream.authorizations.get(1));
        for (Optional<String> seen : upstream.authorizations) {
            assertThat(agentBearers).noneMatch(agent -> seen.orElseThrow().contains(agent));
        }
    }

    @Test
    void aLinkCompletedBySomeoneElsesSignInStoresNothing() throws Exception {
        HttpResponse<String> page = authorizeInBrowser(callAs("alice", "session-a"), "alice", "crm.read", "mallory");

        assertThat(page.statusCode()).isEqualTo(400);
        assertThat(page.body()).contains("issued for alice, but the sign-in was for mallory");
        assertThat(oauth.grantedScopes("alice", "crm")).isEmpty();
        assertThat(oauth.grantedScopes("mallory", "crm")).isEmpty();
        assertThat(callAs("alice", "session-a").decision().reason()).isEqualTo(BlockReason.AUTHENTICATION);
        assertThat(upstream.authorizations).isEmpty();
    }

    @Test
    void aRefreshedTokensScopeAppliesToTheNextCall() throws Exception {
        authorizeInBrowser(callAs("alice", "session-a"), "alice", "crm.read");
        callAs("alice", "session-a");
        assertThat(upstreamToken(upstream.authorizations.get(0)).getStringClaim("scope"))
                .isEqualTo("crm.read");

        directory.grant("alice", "crm.read crm.write");
        clock.advance(Duration.ofMinutes(5));
        CallOutcome afterExpiry = callAs("alice", "session-a");

        assertThat(afterExpiry.decision().isBlocked()).isFalse();
        assertThat(upstream.authorizations).hasSize(2);
        assertThat(upstream.authorizations.get(1)).isNotEqualTo(upstream.authorizations.get(0));
        assertThat(upstreamToken(upstream.authorizations.get(1)).getStringClaim("scope"))
                .isEqualTo("crm.read crm.write");
    }

    @Test
    void endingTheSessionRevokesAndErasesTheUsersToken() throws Exception {
        authorizeInBrowser(callAs("alice", "session-a"), "alice", "crm.read");
        authorizeInBrowser(callAs("bob", "session-b"), "bob", "crm.read");
        callAs("alice", "session-a");
        StoredToken held = new EncryptedTokenStore(
                        TokenKeys.loadOrCreate(dir.resolve("token.key")), Optional.of(dir.resolve("tokens.json")))
                .get(new TokenBinding("alice", "crm"))
                .orElseThrow();
        assertThat(as.holdsRefreshToken(held.refreshToken().orElseThrow())).isTrue();

        oauth.revokeSession("session-a");

        assertThat(as.holdsRefreshToken(held.refreshToken().orElseThrow())).isFalse();
        assertThat(Files.readString(dir.resolve("tokens.json"))).doesNotContain("\"alice\"");

        assertThat(oauth.grantedScopes("alice", "crm")).isEmpty();
        assertThat(oauth.grantedScopes("bob", "crm")).isPresent();
        CallOutcome again = callAs("alice", "session-a");
        assertThat(again.decision().reason()).isEqualTo(BlockReason.AUTHENTICATION);
        assertThat(text(again)).contains("needs alice's authorization");
        assertThat(callAs("bob", "session-b").decision().isBlocked()).isFalse();
    }

    @Test
    void tokensNeverReachTheLogOrTheTokenFileInClear() throws Exception {
        authorizeInBrowser(callAs("alice", "session-a"), "alice", "crm.read");
        callAs("alice", "session-a");
        oauth.revokeSession("session-a");
        authorizeInBrowser(callAs("alice", "session-b"), "alice", "crm.read");
        callAs("alice", "session-b");

        String logged = log.toString(StandardCharsets.UTF_8);
        String stored = Files.readString(dir.resolve("tokens.json"));
        assertThat(logged).contains("user alice authorized Tollgate for server crm");
        List<String> secrets = new ArrayList<>(agentBearers);
        upstream.authorizations.forEach(a -> secrets.add(a.orElseThrow().substring("Bearer ".length())));
        for (String secret : secrets) {
            String signature = secret.substring(secret.lastIndexOf('.') + 1);
            assertThat(logged).doesNotContain(signature);
            assertThat(stored).doesNotContain(signature);
        }
        assertThat(Files.getPosixFilePermissions(dir.resolve("token.key")))
                .containsExactlyInAnyOrderElementsOf(
                        java.nio.file.attribute.PosixFilePermissions.fromString("rw-------"));
    }
}
