package dev.tollgate.admin;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.tollgate.audit.AuditQuery;
import dev.tollgate.audit.AuditRecord;
import dev.tollgate.config.ConfigException;
import dev.tollgate.config.ConfigLoader;
import dev.tollgate.engine.TollgateEngine;
import dev.tollgate.events.EngineEvent;
import dev.tollgate.testing.AgentClient;
import dev.tollgate.testing.McpTestServer;
import dev.tollgate.testing.NpmPeers;
import dev.tollgate.testing.Postgres;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A real serving engine with its admin listener, watched as the desktop app's {@code --connect} does: the live
 * stream, the status, the policy read, checked and applied remotely with who applied it on the record.
 */
class AdminListenerTest {
    private static final String KEY = "billing-key-1";
    private static final String TOKEN = "admin-token-0123456789";

    @TempDir
    Path dir;

    private McpTestServer crm;
    private TollgateEngine engine;
    private Path file;
    private String auditUrl;
    private int adminPort;

    @BeforeEach
    void start() throws Exception {
        crm = McpTestServer.builder().tools("echo", "add").start();
        adminPort = NpmPeers.freePort();
        auditUrl = Postgres.freshDatabase();
        file = dir.resolve("tollgate.yaml");
        Files.writeString(file, config("crm.echo"));
        engine = TollgateEngine.start(new ConfigLoader().load(file));
    }

    private String config(String allowed) {
        return "listen: 127.0.0.1:0\n"
                + "audit: { url: \"" + auditUrl + "\" }\n"
                + "admin: { listen: \"127.0.0.1:" + adminPort + "\", token: \"" + TOKEN + "\" }\n"
                + "servers: { crm: { url: \"" + crm.url() + "\" } }\n"
                + "agents: { billing-agent: { keys: [\"" + KEY + "\"], roles: [billing] } }\n"
                + "roles: { billing: { allow: [\"" + allowed + "\"] } }\n";
    }

    @AfterEach
    void stop() {
        engine.close();
        crm.close();
    }

    private URI admin() {
        return URI.create("http://127.0.0.1:" + adminPort + "/admin");
    }

    private AgentClient agent() {
        return AgentClient.connect(engine.endpoint().orElseThrow().toString(), KEY);
    }

    @Test
    void withoutTheTokenNothingIsServed() throws Exception {
        HttpClient http = HttpClient.newHttpClient();
        for (String auth : List.of("", "Bearer wrong-token-0123456789")) {
            HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(admin() + "/status"));
            if (!auth.isEmpty()) {
                request.header("Authorization", auth);
            }
            HttpResponse<String> response = http.send(request.build(), HttpResponse.BodyHandlers.ofString());
            assertThat(response.statusCode()).isEqualTo(401);
            assertThat(response.body()).doesNotContain("crm");
        }
        assertThatThrownBy(() -> RemoteEngine.connect(admin(), "wrong-token-0123456789", Optional.of(auditUrl), "eve"))
                .hasMessageContaining("refused the admin token");
    }

    @Test
    void aRemoteWatcherSeesLiveCallsUpstreamsAndTheSharedHistory() throws Exception {
        try (RemoteEngine remote = RemoteEngine.connect(admin(), TOKEN, Optional.empty(), "alice@laptop")) {
            List<EngineEvent> seen = new CopyOnWriteArrayList<>();
            remote.events().subscribe(seen::add);
            assertThat(remote.upstreams())
                    .extracting(s -> s.server() + " " + s.state())
                    .containsExactly("crm connected");

            await().atMost(Duration.ofSeconds(20)).until(() -> {
                try (AgentClient billing = agent()) {
                    billing.call("crm__echo", Map.of("text", "over the admin stream"));
                }
                return seen.stream().anyMatch(e -> e instanceof EngineEvent.CallCompleted);
            });
            AuditRecord streamed = seen.stream()
                    .filter(e -> e instanceof EngineEvent.CallCompleted)
                    .map(e -> ((EngineEvent.CallCompleted) e).record())
                    .findFirst()
                    .orElseThrow();
            assertThat(streamed.qualifiedTool()).isEqualTo("crm.echo");
            assertThat(streamed.agentId()).isEqualTo("billing-agent");
            assertThat(streamed.arguments().path("text").asString()).isEqualTo("over the admin stream");
            assertThat(remote.audit().find(streamed.id()))
                    .hasValueSatisfying(r -> assertThat(r.hash()).isEqualTo(streamed.hash()));
        }
    }

    @Test
    void aPolicyAppliedRemotelyTakesEffectAndRecordsWhoAppliedIt() throws Exception {
        try (RemoteEngine remote = RemoteEngine.connect(admin(), TOKEN, Optional.empty(), "alice@laptop")) {
            String current = remote.policy().orElseThrow().currentText();
            assertThat(current).isEqualTo(Files.readString(file));
            assertThat(remote.policy().orElseThrow().check(current.replace("allow:", "alow:")))
                    .extracting(ConfigException::line)
                    .containsExactly(6);

            String candidate = config("crm.*");
            remote.policy().orElseThrow().apply(candidate);

            assertThat(Files.readString(file)).isEqualTo(candidate);
            try (AgentClient billing = agent()) {
                assertThat(billing.call("crm__add", Map.of("a", 2, "b", 3)).isError())
                        .isFalse();
            }
            AuditRecord applied = engine.audit()
                    .query(AuditQuery.builder().tool("tollgate.applyPolicy").build())
                    .get(0);
            assertThat(applied.agentId()).isEqualTo("admin");
            assertThat(applied.arguments().path("appliedBy").asString()).isEqualTo("alice@laptop");
            assertThat(applied.arguments().path("removed").toString()).contains("crm.echo");
            assertThat(applied.arguments().path("added").toString()).contains("crm.*");
            assertThat(engine.audit().verify().intact()).isTrue();
        }
    }
}
