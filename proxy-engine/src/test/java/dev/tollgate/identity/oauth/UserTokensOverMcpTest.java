package dev.tollgate.identity.oauth;

import static org.assertj.core.api.Assertions.assertThat;

import com.nimbusds.jwt.SignedJWT;
import dev.tollgate.config.ConfigLoader;
import dev.tollgate.config.TollgateConfig;
import dev.tollgate.events.EventBus;
import dev.tollgate.identity.Credentials;
import dev.tollgate.identity.IdentityServices;
import dev.tollgate.json.Json;
import dev.tollgate.pipeline.AgentChannel;
import dev.tollgate.pipeline.CallContext;
import dev.tollgate.pipeline.CallOutcome;
import dev.tollgate.pipeline.CallSnapshot;
import dev.tollgate.pipeline.Interceptor;
import dev.tollgate.pipeline.Pipeline;
import dev.tollgate.pipeline.ToolAnnotations;
import dev.tollgate.pipeline.ToolCall;
import dev.tollgate.pipeline.ToolRef;
import dev.tollgate.testing.McpTestServer;
import dev.tollgate.testing.OAuthTestServer;
import dev.tollgate.upstream.ForwardingInterceptor;
import dev.tollgate.upstream.UpstreamAuth;
import dev.tollgate.upstream.UpstreamRegistry;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Per-user OAuth wired as the engine wires it, in front of a real MCP upstream reached by the real forwarding link. */
class UserTokensOverMcpTest {
    private static final CallContext CONTEXT =
            new CallContext("2025-06-18", AgentChannel.DISCARD, Duration.ofSeconds(10));

    @TempDir
    Path dir;

    private OAuthTestServer as;
    private McpTestServer crm;
    private Server tollgate;
    private UpstreamRegistry registry;
    private final EventBus events = new EventBus();
    private IdentityServices identity;
    private Pipeline pipeline;
    private final List<String> agentKeys = new ArrayList<>();
    private Directory directory;

    @BeforeEach
    void start() throws Exception {
        as = OAuthTestServer.start();
        crm = McpTestServer.startDefault();
        directory = new Directory("crm-as", crm.url());
        tollgate = new Server();
        ServerConnector connector = new ServerConnector(tollgate);
        connector.setHost("127.0.0.1");
        connector.setPort(0);
        tollgate.addConnector(connector);
        Handler.Wrapper mount = new Handler.Wrapper(true);
        tollgate.setHandler(mount);
        tollgate.start();
        TollgateConfig config = new ConfigLoader().parse("tollgate.yaml", """
                listen: 127.0.0.1:%d
                agents:
                  support-agent: { keys: [support-key-7c1], roles: [support] }
                identity:
                  userToken: { issuer: "%s", jwksUrl: "%s", audience: support-app }
                  oauth: { keyFile: "%s" }
                servers:
                  crm:
                    url: "%s"
                    headers: { X-Tenant: acme }
                    auth: oauth
                    oauth: { issuer: "%s", clientId: tollgate, clientSecret: tollgate-secret, scopes: [openid, crm.read] }
                """.formatted(
                        connector.getLocalPort(),
                        as.issuer("corp"),
                        as.jwksUrl("corp"),
                        dir.resolve("token.key"),
                        crm.url(),
                        as.issuer("crm-as")));
        identity = IdentityServices.create(config);
        mount.setHandler(identity.handlers().get("/oauth/callback"));
        registry = UpstreamRegistry.fromConfig(config, events);
        registry.start();
        List<Interceptor> links = new ArrayList<>(List.of(identity.identityLink()));
        links.addAll(identity.upstreamTokenLinks());
        links.add(new ForwardingInterceptor(registry));
        pipeline = new Pipeline(links, () -> CallSnapshot.identityOnly(identity.authenticator()));
    }

    @AfterEach
    void stop() throws Exception {
        registry.close();
        tollgate.stop();
        crm.close();
        as.close();
        events.close();
    }

    private CallOutcome echoAs(String user, String session) {
        String key = "support-key-7c1";
        agentKeys.add(key);
        String userToken = as.token("corp", user, "support-app").serialize();
        return pipeline.execute(
                new ToolCall(
                        UUID.randomUUID().toString(),
                        Instant.now(),
                        session,
                        new Credentials(Optional.of(key), Optional.of(userToken)),
                        Optional.empty(),
                        Optional.empty(),
                        new ToolRef("crm", "echo"),
                        Json.object().put("text", "hi " + user),
                        ToolAnnotations.NONE,
                        Optional.empty(),
                        Json.object(),
                        UpstreamAuth.NONE),
                CONTEXT);
    }

    private void authorize(CallOutcome blocked, String user) throws Exception {
        directory.grant(user, "crm.read");
        as.server().enqueueCallback(directory.signIn(user, 300));
        assertThat(blocked.result().toString()).contains("authorizationUrl");
        String url = blocked.result()
                .path("_meta")
                .path("tollgate")
                .path("authorizationUrl")
                .asString();
        HttpResponse<String> page = HttpClient.newBuilder()
                .followRedirects(HttpClient.Redirect.NORMAL)
                .build()
                .send(HttpRequest.newBuilder(URI.create(url)).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(page.statusCode()).isEqualTo(200);
    }

    private List<Map<String, String>> toolCallHeaders() {
        List<Map<String, String>> out = new ArrayList<>();
        for (McpTestServer.ReceivedRequest r : crm.receivedRequests()) {
            if (r.body() != null && r.body().contains("\"tools/call\"")) {
                out.add(r.headers());
            }
        }
        return out;
    }

    @Test
    void theMcpUpstreamSeesEachUsersOwnTokenAndNeverTheAgentsKey() throws Exception {
        authorize(echoAs("alice", "session-a"), "alice");
        authorize(echoAs("bob", "session-b"), "bob");

        CallOutcome alice = echoAs("alice", "session-a");
        CallOutcome bob = echoAs("bob", "session-b");

        assertThat(alice.decision().isBlocked()).isFalse();
        assertThat(alice.result().toString()).contains("hi alice");
        assertThat(bob.result().toString()).contains("hi bob");
        List<Map<String, String>> calls = toolCallHeaders();
        assertThat(calls).hasSize(2);
        assertThat(SignedJWT.parse(calls.get(0).get("authorization").substring(7))
                        .getJWTClaimsSet()
                        .getSubject())
                .isEqualTo("alice");
        assertThat(SignedJWT.parse(calls.get(1).get("authorization").substring(7))
                        .getJWTClaimsSet()
                        .getSubject())
                .isEqualTo("bob");
        assertThat(calls.get(0).get("x-tenant")).isEqualTo("acme");
        for (Map<String, String> headers : crm.receivedHeaders()) {
            assertThat(headers.values()).noneMatch(v -> agentKeys.stream().anyMatch(v::contains));
        }

        identity.revokeSession("session-a");

        CallOutcome afterRevocation = echoAs("alice", "session-a");
        assertThat(afterRevocation.decision().isBlocked()).isTrue();
        assertThat(toolCallHeaders()).hasSize(2);
        assertThat(echoAs("bob", "session-b").decision().isBlocked()).isFalse();
    }
}
