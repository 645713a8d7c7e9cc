package dev.tollgate.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.tollgate.audit.AuditQuery;
import dev.tollgate.audit.AuditRecord;
import dev.tollgate.config.ConfigException;
import dev.tollgate.testing.AgentClient;
import dev.tollgate.testing.McpTestServer;
import dev.tollgate.testing.Postgres;
import dev.tollgate.testing.RedisServer;
import io.modelcontextprotocol.spec.McpSchema;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Two engines, each with its own audit file, over one real redis-server: a storm spread over both meets one limit. */
class SharedLimitsEngineTest {
    private static final String KEY = "billing-key-1";

    @TempDir
    Path dir;

    private RedisServer redis;
    private McpTestServer crm;
    private final List<TollgateEngine> engines = new ArrayList<>();

    @BeforeEach
    void start() {
        redis = RedisServer.start();
        crm = McpTestServer.builder().tools("echo", "charge").start();
    }

    @AfterEach
    void stop() {
        engines.forEach(TollgateEngine::close);
        crm.close();
        redis.close();
    }

    private TollgateEngine engine(String name, String limitStore, String policy) throws Exception {
        Path home = Files.createDirectories(dir.resolve(name));
        return engine(
                name,
                limitStore,
                "jdbc:h2:file:" + home.resolve("audit").toString().replace('\\', '/'),
                policy);
    }

    private TollgateEngine engine(String name, String limitStore, String auditUrl, String policy) throws Exception {
        Path home = Files.createDirectories(dir.resolve(name));
        TollgateEngine engine = TollgateEngine.start(EngineConfigs.write(
                home,
                "listen: 127.0.0.1:0\n"
                        + "audit: { url: \"" + auditUrl + "\" }\n"
                        + "limitStore: \"" + limitStore + "\"\n"
                        + "servers: { crm: { url: \"" + crm.url() + "\" } }\n"
                        + "agents: { billing-agent: { keys: [\"" + KEY + "\"], roles: [billing] } }\n"
                        + policy));
        engines.add(engine);
        return engine;
    }

    /** {@code calls} identical refunds, half through each engine, on four agent connections at once. */
    private int storm(int calls) throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(4);
        try {
            List<Future<Integer>> answered = new ArrayList<>();
            for (int t = 0; t < 4; t++) {
                TollgateEngine engine = engines.get(t % 2);
                answered.add(pool.submit(() -> {
                    int ok = 0;
                    try (AgentClient agent =
                            AgentClient.connect(engine.endpoint().orElseThrow().toString(), KEY)) {
                        for (int i = 0; i < calls / 4; i++) {
                            McpSchema.CallToolResult result = agent.call("crm__charge", Map.of("amount", 120));
                            ok += Boolean.TRUE.equals(result.isError()) ? 0 : 1;
                        }
                    }
                    return ok;
                }));
            }
            int ok = 0;
            for (Future<Integer> f : answered) {
                ok += f.get();
            }
            return ok;
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void aStormOverTwoInstancesIsHeldToTheOneLimit() throws Exception {
        String policy = "roles: { billing: { allow: [\"crm.*\"], limits: { \"crm.charge\": \"3/h\" } } }\n";
        engine("a", redis.url(), policy);
        engine("b", redis.url(), policy);

        int answeredOk = storm(40);

        assertThat(crm.chargeCount()).isEqualTo(3);
        assertThat(answeredOk).isEqualTo(3);
        for (TollgateEngine engine : engines) {
            await().atMost(Duration.ofSeconds(10))
                    .until(() -> engine.audit().query(AuditQuery.all()).size() == 20);
        }
    }

    @Test
    void twoInstancesOnOnePostgresAndOneRedisForwardAtMostTheLimitAndRecordEveryAttemptOnce() throws Exception {
        String store = Postgres.freshDatabase();
        String policy = "roles: { billing: { allow: [\"crm.*\"], limits: { \"crm.charge\": \"3/h\" } } }\n";
        engine("a", redis.url(), store, policy);
        engine("b", redis.url(), store, policy);

        int answeredOk = storm(40);

        assertThat(crm.chargeCount()).isEqualTo(3);
        assertThat(answeredOk).isEqualTo(3);
        await().atMost(Duration.ofSeconds(10))
                .until(() -> engines.get(0).audit().query(AuditQuery.all()).stream()
                                .filter(r -> !r.status().equals("pending"))
                                .count()
                        == 40);
        List<AuditRecord> records = engines.get(1).audit().query(AuditQuery.all());
        assertThat(records).hasSize(40);
        assertThat(records).extracting(AuditRecord::id).doesNotHaveDuplicates();
        assertThat(records).filteredOn(r -> r.decision().equals("allowed")).hasSize(3);
        assertThat(records).filteredOn(r -> r.reason().contains("rate-limited")).hasSize(37);
        assertThat(engines.get(0).audit().verify().intact()).isTrue();
    }

    @Test
    void aLoopOverTwoInstancesTripsOneBreaker() throws Exception {
        String policy = "roles: { billing: { allow: [\"crm.*\"] } }\n";
        engine("a", redis.url(), policy);
        engine("b", redis.url(), policy);

        storm(20);

        assertThat(crm.chargeCount())
                .as("the built-in breaker: 5 identical calls, then stopped")
                .isEqualTo(5);
    }

    @Test
    void eachInstanceInMemoryLetsTheStormThroughAtTheFullLimitEach() throws Exception {
        String policy = "roles: { billing: { allow: [\"crm.*\"], limits: { \"crm.charge\": \"3/h\" } } }\n";
        engine("a", "memory", policy);
        engine("b", "memory", policy);

        storm(40);

        assertThat(crm.chargeCount()).isEqualTo(6);
    }

    @Test
    void whileRedisIsDownLimitedToolsAreRefusedWithAnAnswerSayingWhyAndOthersPass() throws Exception {
        TollgateEngine engine = engine(
                "a", redis.url(), "roles: { billing: { allow: [\"crm.*\"], limits: { \"crm.charge\": \"3/h\" } } }\n");
        redis.close();
        try (AgentClient agent =
                AgentClient.connect(engine.endpoint().orElseThrow().toString(), KEY)) {
            McpSchema.CallToolResult refused = agent.call("crm__charge", Map.of("amount", 120));
            assertThat(refused.isError()).isTrue();
            assertThat(AgentClient.text(refused))
                    .contains("shared limit store redis://127.0.0.1:" + redis.port() + " is unreachable");
            McpSchema.CallToolResult echoed = agent.call("crm__echo", Map.of("text", "no limit counts this"));
            assertThat(echoed.isError()).isFalse();
        }
        assertThat(crm.chargeCount()).isZero();
    }

    @Test
    void aLimitStoreThatIsNeitherMemoryNorRedisIsAConfigError() {
        assertThatThrownBy(() -> engine("a", "memcached://127.0.0.1:1", "roles: {}\n"))
                .isInstanceOf(ConfigException.class)
                .hasMessageEndingWith(":3: limitStore must be memory or a redis:// (rediss://) URL,"
                        + " got 'memcached://127.0.0.1:1'");
    }
}
