package dev.tollgate.identity;

import static org.assertj.core.api.Assertions.assertThat;

import com.nimbusds.jose.JWSAlgorithm;
import dev.tollgate.config.AgentConfig;
import dev.tollgate.pipeline.BlockReason;
import dev.tollgate.pipeline.CallOutcome;
import dev.tollgate.pipeline.CallSnapshot;
import dev.tollgate.pipeline.Pipeline;
import dev.tollgate.testing.OAuthTestServer;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class UserIdentityTest {
    private static OAuthTestServer idp;

    @BeforeAll
    static void startIdp() {
        idp = OAuthTestServer.start();
    }

    @AfterAll
    static void stopIdp() {
        idp.close();
    }

    private static UserTokenSettings settings(boolean required) {
        return new UserTokenSettings(
                new JwtTrust(
                        idp.issuer("corp"),
                        Optional.of(URI.create(idp.jwksUrl("corp"))),
                        Optional.empty(),
                        Set.of("support-app"),
                        List.of(JWSAlgorithm.RS256),
                        Duration.ofSeconds(5)),
                UserTokenSettings.DEFAULT_HEADER,
                "sub",
                "groups",
                "scope",
                required);
    }

    private final TestCalls.Recorder upstream = new TestCalls.Recorder();

    private Pipeline pipeline(boolean required) {
        Authenticator keys = new ApiKeyAuthenticator(
                List.of(new AgentConfig("support-agent", List.of("agent-key"), List.of("support"))));
        return new Pipeline(
                List.of(new IdentityInterceptor(Optional.of(new UserTokenVerifier(settings(required)))), upstream),
                () -> CallSnapshot.identityOnly(keys));
    }

    @Test
    void theVerifiedUserTravelsWithTheCallWithGroupsAndScopes() {
        String userToken = idp.token(
                        "corp",
                        "alice@example.com",
                        "support-app",
                        Map.of("groups", List.of("support-tier2", "emea"), "scope", "crm.read tickets.write"),
                        600)
                .serialize();

        CallOutcome outcome = pipeline(false)
                .execute(
                        TestCalls.call("s1", TestCalls.credentials("agent-key", userToken), "crm.getAccount"),
                        TestCalls.CONTEXT);

        assertThat(outcome.decision().isBlocked()).isFalse();
        assertThat(upstream.last().agentId()).isEqualTo("support-agent");
        assertThat(upstream.last().user())
                .contains(new UserIdentity(
                        "alice@example.com", List.of("support-tier2", "emea"), List.of("crm.read", "tickets.write")));
    }

    @Test
    void aForgedOrForeignUserTokenBlocksTheCall() {
        String foreign = idp.token("elsewhere", "mallory", "support-app").serialize();
        String wrongAudience =
                idp.token("corp", "alice@example.com", "another-app").serialize();

        for (String token : List.of(foreign, wrongAudience, "not-a-token")) {
            CallOutcome outcome = pipeline(false)
                    .execute(
                            TestCalls.call("s1", TestCalls.credentials("agent-key", token), "crm.getAccount"),
                            TestCalls.CONTEXT);

            assertThat(outcome.decision().reason()).isEqualTo(BlockReason.AUTHENTICATION);
            assertThat(TestCalls.text(outcome)).startsWith("user token refused: ");
        }
        assertThat(upstream.received).isEmpty();
    }

    @Test
    void aMissingUserTokenIsFineUnlessRequired() {
        CallOutcome optional = pipeline(false)
                .execute(
                        TestCalls.call("s1", TestCalls.credentials("agent-key", null), "crm.getAccount"),
                        TestCalls.CONTEXT);
        CallOutcome required = pipeline(true)
                .execute(
                        TestCalls.call("s1", TestCalls.credentials("agent-key", null), "crm.getAccount"),
                        TestCalls.CONTEXT);

        assertThat(optional.decision().isBlocked()).isFalse();
        assertThat(required.decision().reason()).isEqualTo(BlockReason.AUTHENTICATION);
        assertThat(TestCalls.text(required)).contains("X-Tollgate-User-Token");
    }

    @Test
    void anUnauthenticatedAgentIsBlockedBeforeAnythingElse() {
        CallOutcome outcome = pipeline(false)
                .execute(
                        TestCalls.call("s1", TestCalls.credentials("wrong-key", null), "crm.getAccount"),
                        TestCalls.CONTEXT);

        assertThat(outcome.decision().reason()).isEqualTo(BlockReason.AUTHENTICATION);
        assertThat(TestCalls.text(outcome)).isEqualTo("authentication failed: unknown agent key");
        assertThat(upstream.received).isEmpty();
    }
}
