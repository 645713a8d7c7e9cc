package dev.tollgate.identity;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.PlainJWT;
import com.nimbusds.jwt.SignedJWT;
import dev.tollgate.audit.AuditQuery;
import dev.tollgate.audit.AuditRecord;
import dev.tollgate.config.ConfigLoader;
import dev.tollgate.engine.TollgateEngine;
import dev.tollgate.json.Json;
import dev.tollgate.testing.AgentClient;
import dev.tollgate.testing.McpTestServer;
import dev.tollgate.testing.OAuthTestServer;
import io.modelcontextprotocol.spec.McpSchema;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import no.nav.security.mock.oauth2.token.DefaultOAuth2TokenCallback;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;

/** Identity through the whole engine: JWT agents, end users, per-user OAuth to a real MCP upstream, revocation. */
class IdentityEngineTest {
    private static final String RESOURCE = "http://tollgate.test/mcp";

    @TempDir
    Path dir;

    private OAuthTestServer as;
    private McpTestServer crm;
    private TollgateEngine engine;
    private final HttpClient http = HttpClient.newHttpClient();
    private final List<String> secrets = new ArrayList<>();

    @BeforeEach
    void start() throws Exception {
        as = OAuthTestServer.start();
        crm = McpTestServer.builder().tools("echo").start();
        Path file = dir.resolve("tollgate.yaml");
        Files.writeString(file, """
                listen: 127.0.0.1:0
                audit: { url: "jdbc:h2:file:%s" }
                servers:
                  crm:
                    url: "%s"
                    auth: oauth
                    oauth: { issuer: "%s", clientId: tollgate, clientSecret: tollgate-secret, scopes: [openid, crm.read], userClaim: sub }
                identity:
                  resource: "%s"
                  jwt:
                    issuer: "%s"
                    jwksUrl: "%s"
                    agents:
                      support-agent: { roles: [support] }
                  userToken: { issuer: "%s", jwksUrl: "%s", audience: support-app }
                  oauth: { keyFile: "%s", storeFile: "%s" }
                roles:
                  support: { allow: ["crm.*"] }
                """.formatted(
                        dir.resolve("audit"),
                        crm.url(),
                        as.issuer("crm-as"),
                        RESOURCE,
                        as.issuer("agents"),
                        as.jwksUrl("agents"),
                        as.issuer("corp"),
                        as.jwksUrl("corp"),
                        dir.resolve("token.key"),
                        dir.resolve("tokens.json")));
        engine = TollgateEngine.start(new ConfigLoader().load(file));
    }

    @AfterEach
    void stop() {
        engine.close();
        crm.close();
        as.close();
    }

    private String agentJwt() {
        String token = as.token("agents", "support-agent", RESOURCE).serialize();
        secrets.add(token);
        return token;
    }

    private AgentClient agentFor(String user) {
        String userToken = as.token("corp", user, "support-app", Map.of("groups", List.of("support")), 600)
                .serialize();
        secrets.add(userToken);
        return AgentClient.builder(engine.endpoint().orElseThrow().toString())
                .bearer(agentJwt())
                .header("X-Tollgate-User-Token", userToken)
                .connect();
    }

    private HttpResponse<String> initializeWith(String bearer) throws Exception {
        return http.send(
                HttpRequest.newBuilder(engine.endpoint().orElseThrow())
                        .header("Content-Type", "application/json")
                        .header("Accept", "application/json, text/event-stream")
                        .header("Authorization", "Bearer " + bearer)
                        .POST(HttpRequest.BodyPublishers.ofString(
                                "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"initialize\","
                                        + "\"params\":{\"protocolVersion\":\"2025-06-18\",\"capabilities\":{},"
                                        + "\"clientInfo\":{\"name\":\"t\",\"version\":\"1\"}}}"))
                        .build(),
                HttpResponse.BodyHandlers.ofString());
    }

    /** The user follows the link from the tool error; the AS signs them in and sends the browser to Tollgate. */
    private void authorize(McpSchema.CallToolResult needsAuthorization, String user) throws Exception {
        Matcher link = Pattern.compile("Open (\\S+) in a browser").matcher(AgentClient.text(needsAuthorization));
        assertThat(link.find()).isTrue();
        as.server()
                .enqueueCallback(new DefaultOAuth2TokenCallback(
                        "crm-as", user, "JWT", List.of(crm.url()), Map.of("scope", "crm.read"), 300));
        HttpResponse<String> page = HttpClient.newBuilder()
                .followRedirects(HttpClient.Redirect.NORMAL)
                .build()
                .send(HttpRequest.newBuilder(URI.create(link.group(1))).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(page.statusCode()).isEqualTo(200);
        assertThat(page.body()).contains("Authorization complete");
    }

    private List<String> upstreamBearers() {
        List<String> out = new ArrayList<>();
        for (McpTestServer.ReceivedRequest r : crm.receivedRequests()) {
            if (r.body() != null && r.body().contains("\"tools/call\"")) {
                out.add(r.headers().getOrDefault("authorization", ""));
            }
        }
        return out;
    }

    @Test
    void badAgentTokensAreRefusedWithAChallengeAndTheMetadataIsServed() throws Exception {
        SignedJWT genuine = as.token("agents", "support-agent", RESOURCE);
        JWTClaimsSet claims = genuine.getJWTClaimsSet();
        String[] parts = genuine.serialize().split("\\.");
        Map<String, String> refused = Map.of(
                as.token("agents", "support-agent", RESOURCE, Map.of(), -600).serialize(),
                "the token has expired",
                as.token("agents", "support-agent", "https://elsewhere.test/mcp")
                        .serialize(),
                "(aud)",
                as.token("strangers", "support-agent", RESOURCE).serialize(),
                "algorithm or key is not accepted",
                new PlainJWT(claims).serialize(),
                "alg: none",
                parts[0] + "."
                        + com.nimbusds.jose.util.Base64URL.encode(new JWTClaimsSet.Builder(claims)
                                .subject("admin")
                                .build()
                                .toString())
                        + "." + parts[2],
                "signature is invalid");

        assertThat(initializeWith(agentJwt()).statusCode()).isEqualTo(200);
        for (Map.Entry<String, String> attempt : refused.entrySet()) {
            HttpResponse<String> response = initializeWith(attempt.getKey());

            assertThat(response.statusCode()).isEqualTo(401);
            assertThat(response.headers().firstValue("WWW-Authenticate").orElseThrow())
                    .contains("error=\"invalid_token\"")
                    .contains(attempt.getValue())
                    .contains("resource_metadata=\""
                            + engine.endpoint().orElseThrow().resolve("/.well-known/oauth-protected-resource") + "\"");
        }
        List<AuditRecord> attempts = engine.audit()
                .query(AuditQuery.builder()
                        .tool("tollgate.authenticate")
                        .limit(100)
                        .build());
        assertThat(attempts)
                .as("every refused token is an audited, blocked authentication attempt")
                .hasSize(refused.size())
                .allSatisfy(r -> {
                    assertThat(r.decision()).isEqualTo("blocked");
                    assertThat(r.agentId()).isEqualTo("anonymous");
                    assertThat(r.arguments().path("credential").asString()).isEqualTo("bearer JWT");
                });
        assertThat(attempts)
                .extracting(AuditRecord::reason)
                .anySatisfy(reason -> assertThat(reason).contains("the token has expired"));
        assertThat(attempts.toString()).doesNotContain(parts[2]);

        HttpResponse<String> metadata = http.send(
                HttpRequest.newBuilder(
                                engine.endpoint().orElseThrow().resolve("/.well-known/oauth-protected-resource/mcp"))
                        .build(),
                HttpResponse.BodyHandlers.ofString());
        JsonNode doc = Json.parse(metadata.body());
        assertThat(doc.path("resource").asString()).isEqualTo(RESOURCE);
        assertThat(doc.path("authorization_servers").get(0).asString()).isEqualTo(as.issuer("agents"));
    }

    @Test
    void eachUserReachesTheUpstreamWithTheirOwnTokenUntilTheirSessionEnds() throws Exception {
        try (AgentClient alice = agentFor("alice");
                AgentClient bob = agentFor("bob")) {
            McpSchema.CallToolResult first = alice.call("crm__echo", Map.of("text", "hello"));
            assertThat(first.isError()).isTrue();
            assertThat(AgentClient.text(first)).contains("crm needs alice's authorization");
            authorize(first, "alice");
            authorize(bob.call("crm__echo", Map.of("text", "hello")), "bob");

            assertThat(AgentClient.text(alice.call("crm__echo", Map.of("text", "from alice"))))
                    .contains("from alice");
            assertThat(AgentClient.text(bob.call("crm__echo", Map.of("text", "from bob"))))
                    .contains("from bob");

            List<String> bearers = upstreamBearers();
            assertThat(bearers).hasSize(2);
            assertThat(SignedJWT.parse(bearers.get(0).substring(7))
                            .getJWTClaimsSet()
                            .getSubject())
                    .isEqualTo("alice");
            assertThat(SignedJWT.parse(bearers.get(1).substring(7))
                            .getJWTClaimsSet()
                            .getSubject())
                    .isEqualTo("bob");
            bearers.forEach(b -> secrets.add(b.substring(7)));
            String aliceRefresh = storedRefreshToken("alice");
            assertThat(as.holdsRefreshToken(aliceRefresh)).isTrue();

            alice.close();

            await().until(() -> !as.holdsRefreshToken(aliceRefresh));
            assertThat(Files.readString(dir.resolve("tokens.json")))
                    .doesNotContain("\"alice\"")
                    .contains("\"bob\"");
        }
        for (String header :
                crm.receivedHeaders().stream().flatMap(h -> h.values().stream()).toList()) {
            assertThat(header).doesNotContain(secrets.get(0)).doesNotContain(secrets.get(1));
        }

        List<AuditRecord> records = engine.audit().query(AuditQuery.all());
        assertThat(records)
                .extracting(r -> r.user().orElse("-"), AuditRecord::decision)
                .containsExactlyInAnyOrder(
                        org.assertj.core.groups.Tuple.tuple("alice", "blocked"),
                                org.assertj.core.groups.Tuple.tuple("bob", "blocked"),
                        org.assertj.core.groups.Tuple.tuple("alice", "allowed"),
                                org.assertj.core.groups.Tuple.tuple("bob", "allowed"));
        String stored = everythingInTheAuditStore();
        for (String secret : secrets) {
            assertThat(stored).doesNotContain(secret.substring(secret.lastIndexOf('.') + 1));
        }
    }

    private String storedRefreshToken(String user) {
        return new dev.tollgate.identity.oauth.EncryptedTokenStore(
                        dev.tollgate.identity.oauth.TokenKeys.loadOrCreate(dir.resolve("token.key")),
                        java.util.Optional.of(dir.resolve("tokens.json")))
                .get(new dev.tollgate.identity.oauth.TokenBinding(user, "crm"))
                .orElseThrow()
                .refreshToken()
                .orElseThrow();
    }

    private String everythingInTheAuditStore() throws Exception {
        StringBuilder all = new StringBuilder();
        try (Connection c = DriverManager.getConnection("jdbc:h2:file:" + dir.resolve("audit") + ";AUTO_SERVER=TRUE");
                Statement st = c.createStatement();
                ResultSet rs = st.executeQuery("SELECT * FROM tollgate_audit")) {
            while (rs.next()) {
                for (int i = 1; i <= rs.getMetaData().getColumnCount(); i++) {
                    all.append(rs.getString(i)).append('\n');
                }
            }
        }
        return all.toString();
    }
}
