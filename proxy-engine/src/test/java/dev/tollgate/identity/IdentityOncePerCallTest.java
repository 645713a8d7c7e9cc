package dev.tollgate.identity;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tollgate.config.ConfigLoader;
import dev.tollgate.config.TollgateConfig;
import dev.tollgate.events.EventBus;
import dev.tollgate.gateway.GatewayPipelines;
import dev.tollgate.gateway.GatewaySettings;
import dev.tollgate.gateway.McpGateway;
import dev.tollgate.gateway.NameScheme;
import dev.tollgate.gateway.UnknownToolInterceptor;
import dev.tollgate.pipeline.CallSnapshot;
import dev.tollgate.pipeline.Interceptor;
import dev.tollgate.pipeline.Pipeline;
import dev.tollgate.pipeline.ToolCall;
import dev.tollgate.policy.CompiledPolicy;
import dev.tollgate.session.SessionRegistry;
import dev.tollgate.testing.AgentClient;
import dev.tollgate.transport.AgentHttpServer;
import dev.tollgate.transport.McpHttpHandler;
import dev.tollgate.transport.OriginPolicy;
import dev.tollgate.upstream.UpstreamRegistry;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Through the real HTTP endpoint, a tool call's agent is authenticated once: the transport admits the request with
 * the authenticator of the configuration in force and the chain takes that identity. When a reload lands between
 * admission and the chain, the call is decided with the new configuration's identity (its roles), never a mix.
 */
class IdentityOncePerCallTest {
    private static final String CONFIG = """
            agents:
              ops-agent: { keys: ["ops-key"], roles: [%s] }
            roles:
              ops: { allow: ["*"] }
              auditor: { allow: ["*"] }
            """;

    private final EventBus events = new EventBus();
    private final List<ToolCall> identified = new CopyOnWriteArrayList<>();
    /** What the transport authenticates with, and what the call's snapshot holds: one configuration, or two. */
    private final AtomicReference<Counting> admitting = new AtomicReference<>();

    private final AtomicReference<Counting> deciding = new AtomicReference<>();
    private SessionRegistry sessions;
    private AgentHttpServer server;

    /** The real API-key authenticator of one configuration, counting how often it is asked. */
    private static final class Counting implements Authenticator {
        private final Authenticator keys;
        private final AtomicInteger asked = new AtomicInteger();

        Counting(String role) {
            TollgateConfig config = new ConfigLoader().parse("tollgate.yaml", CONFIG.formatted(role));
            this.keys = new ApiKeyAuthenticator(config.agents().values());
        }

        @Override
        public AuthResult authenticate(Credentials credentials) {
            asked.incrementAndGet();
            return keys.authenticate(credentials);
        }
    }

    @BeforeEach
    void start() throws Exception {
        Counting first = new Counting("ops");
        admitting.set(first);
        deciding.set(first);
        sessions = new SessionRegistry(Duration.ofMinutes(10));
        Interceptor record = chain -> {
            identified.add(chain.call());
            return chain.proceed(chain.call());
        };
        Pipeline chain = new Pipeline(
                List.of(new IdentityInterceptor(), record, new UnknownToolInterceptor(new NameScheme("__"))),
                () -> CallSnapshot.identityOnly(deciding.get()));
        TollgateConfig config = new ConfigLoader().parse("tollgate.yaml", CONFIG.formatted("ops"));
        McpGateway gateway = new McpGateway(
                new UpstreamRegistry(List.of(), events),
                () -> CompiledPolicy.from(config),
                () -> admitting.get(),
                new GatewayPipelines(chain, chain),
                sessions,
                GatewaySettings.defaults());
        server = new AgentHttpServer(
                "127.0.0.1",
                0,
                new McpHttpHandler(
                        gateway,
                        sessions,
                        () -> admitting.get(),
                        new OriginPolicy(List.of()),
                        1_000_000,
                        UserTokenSettings.DEFAULT_HEADER));
        server.start();
    }

    @AfterEach
    void stop() {
        server.close();
        sessions.close();
        events.close();
    }

    @Test
    void aCallIsAuthenticatedOnceAndDecidedWithTheIdentityItWasAdmittedWith() {
        try (AgentClient agent = AgentClient.connect(server.endpoint().toString(), "ops-key")) {
            int before = admitting.get().asked.get();
            agent.call("crm__echo", Map.of("text", "hi"));

            assertThat(admitting.get().asked.get() - before)
                    .as("authentications for one tools/call")
                    .isEqualTo(1);
            assertThat(identified).hasSize(1);
            assertThat(identified.get(0).agent().orElseThrow().roles()).containsExactly("ops");
        }
    }

    @Test
    void aReloadBetweenAdmissionAndTheChainDecidesWithTheNewConfigurationOnly() {
        try (AgentClient agent = AgentClient.connect(server.endpoint().toString(), "ops-key")) {
            // The configuration changes after the transport let the request in, before the chain takes its snapshot.
            Counting reloaded = new Counting("auditor");
            deciding.set(reloaded);
            agent.call("crm__echo", Map.of("text", "hi"));

            assertThat(reloaded.asked.get())
                    .as("authentications with the new configuration")
                    .isEqualTo(1);
            assertThat(identified).hasSize(1);
            assertThat(identified.get(0).agent().orElseThrow().roles()).containsExactly("auditor");
        }
    }
}
