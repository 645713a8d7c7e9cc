package dev.tollgate.identity;

import static org.assertj.core.api.Assertions.assertThat;

import com.nimbusds.jose.JWSAlgorithm;
import dev.tollgate.audit.AuditInterceptor;
import dev.tollgate.audit.AuditQuery;
import dev.tollgate.audit.AuditRecord;
import dev.tollgate.config.AgentConfig;
import dev.tollgate.events.EventBus;
import dev.tollgate.pipeline.CallSnapshot;
import dev.tollgate.pipeline.Pipeline;
import dev.tollgate.testing.OAuthTestServer;
import dev.tollgate.testing.TemporaryAuditStore;
import java.net.URI;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class AuditedUserTest {
    private OAuthTestServer idp;
    private final TemporaryAuditStore audit = TemporaryAuditStore.create();
    private final EventBus events = new EventBus();
    private Pipeline pipeline;

    @BeforeEach
    void start() {
        idp = OAuthTestServer.start();
        UserTokenVerifier users = new UserTokenVerifier(new UserTokenSettings(
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
                false));
        Authenticator keys = new ApiKeyAuthenticator(
                List.of(new AgentConfig("support-agent", List.of("agent-key-9f2"), List.of("support"))));
        pipeline = new Pipeline(
                List.of(
                        new AuditInterceptor(audit.store(), events),
                        new IdentityInterceptor(Optional.of(users)),
                        new TestCalls.Recorder()),
                () -> CallSnapshot.identityOnly(keys));
    }

    @AfterEach
    void stop() throws Exception {
        events.close();
        audit.close();
        idp.close();
    }

    @Test
    void everyRecordOfAUsersCallNamesTheUserAndNoTokenIsStored() throws Exception {
        String alice = idp.token("corp", "alice@example.com", "support-app", Map.of("scope", "crm.read"), 600)
                .serialize();
        String forged = idp.token("strangers", "mallory", "support-app").serialize();

        pipeline.execute(
                TestCalls.call("s1", TestCalls.credentials("agent-key-9f2", alice), "crm.getAccount"),
                TestCalls.CONTEXT);
        pipeline.execute(
                TestCalls.call("s1", TestCalls.credentials("agent-key-9f2", alice), "crm.updateAccount"),
                TestCalls.CONTEXT);
        pipeline.execute(
                TestCalls.call("s2", TestCalls.credentials("agent-key-9f2", forged), "crm.getAccount"),
                TestCalls.CONTEXT);

        List<AuditRecord> records =
                audit.store().query(AuditQuery.builder().limit(10).build());
        assertThat(records).hasSize(3);
        assertThat(records)
                .filteredOn(r -> r.sessionId().equals("s1"))
                .allSatisfy(r -> assertThat(r.user()).contains("alice@example.com"))
                .allSatisfy(r -> assertThat(r.decision()).isEqualTo("allowed"));
        AuditRecord refused = records.stream()
                .filter(r -> r.sessionId().equals("s2"))
                .findFirst()
                .orElseThrow();
        assertThat(refused.decision()).isEqualTo("blocked");
        assertThat(refused.rule()).isEqualTo("identity");
        assertThat(refused.user()).isEmpty();

        StringBuilder everything = new StringBuilder();
        try (Connection c = audit.sql();
                Statement st = c.createStatement();
                ResultSet rs = st.executeQuery("SELECT * FROM tollgate_audit")) {
            while (rs.next()) {
                for (int i = 1; i <= rs.getMetaData().getColumnCount(); i++) {
                    everything.append(rs.getString(i)).append('\n');
                }
            }
        }
        for (String secret : List.of(alice, forged)) {
            assertThat(everything.toString()).doesNotContain(secret.substring(secret.lastIndexOf('.') + 1));
        }
        assertThat(everything.toString()).doesNotContain("agent-key-9f2");
    }
}
