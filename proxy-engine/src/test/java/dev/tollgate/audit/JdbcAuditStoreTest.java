package dev.tollgate.audit;

import static dev.tollgate.testing.TemporaryAuditStore.call;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.tollgate.identity.UserIdentity;
import dev.tollgate.json.Json;
import dev.tollgate.pipeline.BlockReason;
import dev.tollgate.pipeline.CallOutcome;
import dev.tollgate.pipeline.CallStatus;
import dev.tollgate.pipeline.Decision;
import dev.tollgate.pipeline.ToolCall;
import dev.tollgate.testing.TemporaryAuditStore;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

class JdbcAuditStoreTest {
    @RegisterExtension
    final TemporaryAuditStore audit = TemporaryAuditStore.create();

    private static final Instant T0 = Instant.parse("2026-11-24T10:15:30.123456Z");

    @Test
    void storesEveryFieldOfTheAuditRecordAndReadsItBack() throws Exception {
        JdbcAuditStore store = audit.store();
        ToolCall call = call(
                        "billing-agent",
                        "payments.issueRefund",
                        Json.parse("{\"orderId\":\"A-17\",\"amount\":42.5}"),
                        T0,
                        "mcp-session-9",
                        Optional.of("conv-77"))
                .withUser(new UserIdentity("alice@example.com", List.of("finance"), List.of("refunds")));
        long id = store.recordAttempt(call);
        JsonNode result =
                Json.parse("{\"content\":[{\"type\":\"text\",\"text\":\"refund R-1 issued\"}],\"isError\":false}");
        store.recordOutcome(
                id,
                call,
                new CallOutcome(
                        Decision.allowed("role billing allows payments.*", Optional.of("tollgate.yaml:14")),
                        CallStatus.SUCCESS,
                        result,
                        87),
                Duration.ofMillis(12));

        AuditRecord r = store.find(id).orElseThrow();
        assertThat(r.id()).isEqualTo(id);
        assertThat(r.timestamp()).isEqualTo(T0);
        assertThat(r.agentId()).isEqualTo("billing-agent");
        assertThat(r.sessionId()).isEqualTo("mcp-session-9");
        assertThat(r.user()).contains("alice@example.com");
        assertThat(r.server()).isEqualTo("payments");
        assertThat(r.tool()).isEqualTo("issueRefund");
        assertThat(r.arguments()).isEqualTo(Json.parse("{\"orderId\":\"A-17\",\"amount\":42.5}"));
        assertThat(r.decision()).isEqualTo("allowed");
        assertThat(r.rule()).isEqualTo("role billing allows payments.*");
        assertThat(r.ruleSource()).contains("tollgate.yaml:14");
        assertThat(r.reason()).isEqualTo("allowed by role billing allows payments.*");
        assertThat(r.status()).isEqualTo("success");
        assertThat(r.latencyMs()).isEqualTo(12.0);
        assertThat(r.responseSize()).isEqualTo(87);
        assertThat(r.conversationId()).contains("conv-77");
        assertThat(r.result()).contains(result);
        assertThat(r.prevHash()).isEqualTo("0".repeat(64));
        assertThat(r.hash()).matches("[0-9a-f]{64}").isNotEqualTo(r.prevHash());
    }

    @Test
    void blockedAttemptsAreRecordedWithTheRuleThatBlockedThem() throws Exception {
        JdbcAuditStore store = audit.store();
        ToolCall call = call("support-agent", "payments.issueRefund", Json.parse("{\"orderId\":\"B-2\"}"));
        long id = store.recordAttempt(call);
        store.recordOutcome(
                id,
                call,
                CallOutcome.blocked(Decision.blocked(
                        BlockReason.POLICY,
                        "deny payments.issueRefund",
                        Optional.of("policy.yaml:9"),
                        "blocked by role support")),
                Duration.ofMillis(1));

        AuditRecord r =
                store.query(AuditQuery.builder().decision("blocked").build()).get(0);
        assertThat(r.id()).isEqualTo(id);
        assertThat(r.blocked()).isTrue();
        assertThat(r.rule()).isEqualTo("deny payments.issueRefund");
        assertThat(r.ruleSource()).contains("policy.yaml:9");
        assertThat(r.reason()).isEqualTo("blocked by role support");
        assertThat(r.status()).isEqualTo("error");
    }

    @Test
    void anAttemptIsStoredAsPendingBeforeItsOutcomeExists() throws Exception {
        JdbcAuditStore store = audit.store();
        long id = store.recordAttempt(call("billing-agent", "crm.getAccount", Json.parse("{\"id\":1}")));

        try (JdbcAuditStore reader = AuditStores.openExisting(audit.url())) {
            AuditRecord pending = reader.find(id).orElseThrow();
            assertThat(pending.status()).isEqualTo("pending");
            assertThat(pending.hash()).isEmpty();
        }

        AuditRecord afterShutdown = audit.reopen().find(id).orElseThrow();
        assertThat(afterShutdown.status()).isEqualTo("error");
        assertThat(afterShutdown.reason()).isEqualTo("interrupted: Tollgate stopped before the call completed");
    }

    @Test
    void secretsInArgumentsAndResultsNeverReachTheDatabase() throws Exception {
        JdbcAuditStore store = audit.store();
        ToolCall call = call(
                "billing-agent",
                "payments.updatePaymentMethod",
                Json.parse("{\"customer\":\"c-1\",\"card\":{\"number\":\"4111111111111111\",\"cvv\":\"123\"},"
                        + "\"note\":\"use Bearer abcdefghijklmnop\"}"));
        long id = store.recordAttempt(call);
        store.recordOutcome(
                id,
                call,
                new CallOutcome(
                        Decision.allowed("r", Optional.empty()),
                        CallStatus.SUCCESS,
                        Json.parse("{\"content\":[],\"structuredContent\":{\"apiKey\":\"sk_live_abcdefghijkl\"}}"),
                        10),
                Duration.ZERO);

        try (Connection c = audit.sql();
                PreparedStatement ps =
                        c.prepareStatement("SELECT arguments_json || result_json FROM tollgate_audit WHERE id = ?")) {
            ps.setLong(1, id);
            var rs = ps.executeQuery();
            rs.next();
            assertThat(rs.getString(1))
                    .doesNotContain("4111111111111111", "123\"", "abcdefghijklmnop", "sk_live_abcdefghijkl")
                    .contains("[REDACTED]", "c-1");
        }
    }

    @Test
    void queriesFilterByAgentToolGlobUserSessionTimeDecisionAndStatus() throws Exception {
        JdbcAuditStore store = audit.store();
        record(
                store,
                "billing-agent",
                "payments.issueRefund",
                T0,
                "s1",
                Decision.allowed("a", Optional.empty()),
                CallStatus.SUCCESS);
        record(
                store,
                "billing-agent",
                "payments.getHistory",
                T0.plusSeconds(60),
                "s1",
                Decision.allowed("a", Optional.empty()),
                CallStatus.TIMEOUT);
        record(
                store,
                "support-agent",
                "payments.issueRefund",
                T0.plusSeconds(120),
                "s2",
                Decision.blocked(BlockReason.POLICY, "deny", Optional.empty(), "no"),
                CallStatus.ERROR);
        record(
                store,
                "billing-agent",
                "crm.getAccount",
                T0.plusSeconds(7200),
                "s3",
                Decision.allowed("a", Optional.empty()),
                CallStatus.SUCCESS);

        assertThat(tools(
                        store,
                        AuditQuery.builder()
                                .agent("billing-agent")
                                .tool("payments.issueRefund")
                                .from(T0)
                                .to(T0.plusSeconds(3600))
                                .build()))
                .containsExactly("billing-agent payments.issueRefund");
        assertThat(tools(store, AuditQuery.builder().tool("payments.*").build()))
                .hasSize(3);
        assertThat(tools(store, AuditQuery.builder().tool("*.issueRefund").build()))
                .hasSize(2);
        assertThat(tools(store, AuditQuery.builder().tool("*Account").build()))
                .containsExactly("billing-agent crm.getAccount");
        assertThat(tools(store, AuditQuery.builder().session("s2").build()))
                .containsExactly("support-agent payments.issueRefund");
        assertThat(tools(store, AuditQuery.builder().decision("blocked").build()))
                .containsExactly("support-agent payments.issueRefund");
        assertThat(tools(store, AuditQuery.builder().status("timeout").build()))
                .containsExactly("billing-agent payments.getHistory");
        assertThat(tools(store, AuditQuery.builder().to(T0.plusSeconds(60)).build()))
                .containsExactly("billing-agent payments.issueRefund");
        assertThat(store.count(AuditQuery.builder().agent("billing-agent").build()))
                .isEqualTo(3);
        assertThat(store.count(AuditQuery.builder().user("nobody").build())).isZero();
    }

    @Test
    void pagesNewestFirstByIdAndScansEverythingInOrder() throws Exception {
        JdbcAuditStore store = audit.store();
        List<Long> ids = new ArrayList<>();
        for (int i = 0; i < 12; i++) {
            ids.add(record(
                    store,
                    "a",
                    "crm.search",
                    T0.plusSeconds(i),
                    "s",
                    Decision.allowed("a", Optional.empty()),
                    CallStatus.SUCCESS));
        }
        List<AuditRecord> newest =
                store.query(AuditQuery.builder().newestFirst(true).limit(5).build());
        assertThat(newest).extracting(AuditRecord::id).containsExactlyElementsOf(reversed(ids.subList(7, 12)));
        List<AuditRecord> older = store.query(AuditQuery.builder()
                .newestFirst(true)
                .beforeId(newest.get(4).id())
                .limit(5)
                .build());
        assertThat(older).extracting(AuditRecord::id).containsExactlyElementsOf(reversed(ids.subList(2, 7)));

        List<Long> scanned = new ArrayList<>();
        store.scan(AuditQuery.all(), r -> scanned.add(r.id()));
        assertThat(scanned).containsExactlyElementsOf(ids);
    }

    @Test
    void theChainVerifiesAcrossRestartsAndNamesTheFirstAlteredRecord() throws Exception {
        JdbcAuditStore store = audit.store();
        List<Long> ids = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            ids.add(record(
                    store,
                    "billing-agent",
                    "payments.issueRefund",
                    T0.plusSeconds(i),
                    "s",
                    Decision.allowed("a", Optional.empty()),
                    CallStatus.SUCCESS));
        }
        store = audit.reopen();
        ids.add(record(
                store,
                "billing-agent",
                "payments.issueRefund",
                T0.plusSeconds(9),
                "s",
                Decision.allowed("a", Optional.empty()),
                CallStatus.SUCCESS));
        assertThat(store.verify().intact()).isTrue();
        assertThat(store.verify().recordsChecked()).isEqualTo(6);

        try (Connection c = audit.sql();
                PreparedStatement ps =
                        c.prepareStatement("UPDATE tollgate_audit SET agent_id = 'someone-else' WHERE id = ?")) {
            ps.setLong(1, ids.get(3));
            assertThat(ps.executeUpdate()).isEqualTo(1);
        }

        VerifyResult result = store.verify();
        assertThat(result.intact()).isFalse();
        assertThat(result.firstBrokenId()).contains(ids.get(3));
    }

    @Test
    void removingTheNewestRecordsIsReportedEvenWhenTheHeadRowIsRewrittenToMatch() throws Exception {
        JdbcAuditStore store = audit.store();
        List<Long> ids = new ArrayList<>();
        for (int i = 0; i < 10; i++) {
            ids.add(record(
                    store,
                    "billing-agent",
                    "payments.issueRefund",
                    T0.plusSeconds(i),
                    "s",
                    Decision.allowed("a", Optional.empty()),
                    CallStatus.SUCCESS));
        }
        audit.closeStore();
        try (Connection c = audit.sql()) {
            try (PreparedStatement ps = c.prepareStatement("DELETE FROM tollgate_audit WHERE id > ?")) {
                ps.setLong(1, ids.get(6));
                assertThat(ps.executeUpdate()).isEqualTo(3);
            }
            try (PreparedStatement ps = c.prepareStatement("UPDATE tollgate_audit_chain SET head_seq = "
                    + "(SELECT seq FROM tollgate_audit WHERE id = ?), head_hash = "
                    + "(SELECT record_hash FROM tollgate_audit WHERE id = ?) WHERE id = 1")) {
                ps.setLong(1, ids.get(6));
                ps.setLong(2, ids.get(6));
                assertThat(ps.executeUpdate()).isEqualTo(1);
            }
        }

        try (JdbcAuditStore reader = AuditStores.openExisting(audit.url())) {
            VerifyResult result = reader.verify();

            assertThat(result.intact()).isFalse();
            assertThat(result.recordsChecked()).isEqualTo(7);
            assertThat(result.firstBrokenId()).contains(ids.get(6));
            assertThat(result.message()).contains("newest records were removed").contains("anchor");
        }
    }

    @Test
    void pruningLeavesACheckpointSoTheChainStillVerifiesAndTheArchiveKeepsWhatWasRemoved() throws Exception {
        JdbcAuditStore store = audit.store();
        List<Long> ids = new ArrayList<>();
        for (int i = 0; i < 10; i++) {
            ids.add(record(
                    store,
                    "billing-agent",
                    "payments.issueRefund",
                    T0.plusSeconds(i),
                    "s",
                    Decision.allowed("a", Optional.empty()),
                    CallStatus.SUCCESS));
        }
        java.nio.file.Path archive = audit.directory().resolve("pruned.jsonl.gz");

        PruneResult result = store.prune(T0.plusSeconds(6), Optional.of(archive));

        assertThat(result.pruned()).isEqualTo(6);
        assertThat(store.query(AuditQuery.builder().tool("payments.issueRefund").build()))
                .extracting(AuditRecord::id)
                .containsExactlyElementsOf(ids.subList(6, 10));
        AuditRecord checkpoint = store.find(result.checkpointId().orElseThrow()).orElseThrow();
        assertThat(checkpoint.qualifiedTool()).isEqualTo("tollgate.prune");
        assertThat(checkpoint.arguments().path("pruned").asLong()).isEqualTo(6);
        VerifyResult verified = store.verify();
        assertThat(verified.intact()).as(verified.message()).isTrue();
        assertThat(verified.recordsChecked()).isEqualTo(5);
        try (java.io.BufferedReader lines = new java.io.BufferedReader(new java.io.InputStreamReader(
                new java.util.zip.GZIPInputStream(java.nio.file.Files.newInputStream(archive)),
                java.nio.charset.StandardCharsets.UTF_8))) {
            assertThat(lines.lines()
                            .map(Json::parse)
                            .map(j -> j.path("id").asLong())
                            .toList())
                    .containsExactlyElementsOf(ids.subList(0, 6));
        }

        try (Connection c = audit.sql();
                PreparedStatement ps = c.prepareStatement("DELETE FROM tollgate_audit WHERE id = ?")) {
            ps.setLong(1, ids.get(6));
            ps.executeUpdate();
        }
        assertThat(store.verify().firstBrokenId()).contains(ids.get(7));
    }

    @Test
    void deletingARecordBreaksTheChainAtTheNextOne() throws Exception {
        JdbcAuditStore store = audit.store();
        List<Long> ids = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            ids.add(record(
                    store,
                    "a",
                    "crm.search",
                    T0.plusSeconds(i),
                    "s",
                    Decision.allowed("a", Optional.empty()),
                    CallStatus.SUCCESS));
        }
        try (Connection c = audit.sql();
                PreparedStatement ps = c.prepareStatement("DELETE FROM tollgate_audit WHERE id = ?")) {
            ps.setLong(1, ids.get(1));
            ps.executeUpdate();
        }
        assertThat(store.verify().firstBrokenId()).contains(ids.get(2));
    }

    @Test
    void concurrentCallersShareCommitsAndTheChainStaysWhole() throws Exception {
        JdbcAuditStore store = audit.store();
        int threads = 8;
        int perThread = 40;
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        try {
            List<Future<List<Long>>> futures = new ArrayList<>();
            for (int t = 0; t < threads; t++) {
                String agent = "agent-" + t;
                futures.add(pool.submit(() -> {
                    List<Long> mine = new ArrayList<>();
                    for (int i = 0; i < perThread; i++) {
                        mine.add(record(
                                store,
                                agent,
                                "crm.getAccount",
                                T0.plusMillis(i),
                                "s-" + agent,
                                Decision.allowed("a", Optional.empty()),
                                CallStatus.SUCCESS));
                    }
                    return mine;
                }));
            }
            Set<Long> ids = new HashSet<>();
            for (var f : futures) {
                ids.addAll(f.get(60, TimeUnit.SECONDS));
            }
            assertThat(ids).hasSize(threads * perThread);
        } finally {
            pool.shutdownNow();
        }
        assertThat(store.count(AuditQuery.builder().status("success").build())).isEqualTo(threads * perThread);
        assertThat(store.verify().message()).isEqualTo("intact (" + threads * perThread + " records)");
    }

    @Test
    void oversizedResultsAreTruncatedWithAMarker() throws Exception {
        JdbcAuditStore store = audit.store();
        ToolCall call = call("a", "tickets.get", Json.object());
        long id = store.recordAttempt(call);
        ObjectNode big = Json.object();
        big.putArray("content").addObject().put("type", "text").put("text", "x".repeat(200_000));
        store.recordOutcome(
                id,
                call,
                new CallOutcome(Decision.allowed("a", Optional.empty()), CallStatus.SUCCESS, big, 200_050),
                Duration.ofMillis(3));

        AuditRecord r = store.find(id).orElseThrow();
        assertThat(r.result().orElseThrow().path("tollgateTruncated").asBoolean())
                .isTrue();
        assertThat(Json.write(r.result().orElseThrow()).length()).isLessThan(70_000);
        assertThat(r.responseSize()).isEqualTo(200_050);
        assertThat(store.verify().intact()).isTrue();
    }

    @Test
    void bulkAppendedRecordsJoinTheChain() throws Exception {
        JdbcAuditStore store = audit.store();
        record(store, "a", "crm.search", T0, "s", Decision.allowed("a", Optional.empty()), CallStatus.SUCCESS);
        List<AuditRecord> bulk = new ArrayList<>();
        for (int i = 0; i < 50; i++) {
            bulk.add(new AuditRecord(
                    0,
                    T0.plusSeconds(i),
                    "billing-agent",
                    "s",
                    Optional.empty(),
                    "payments",
                    "getHistory",
                    Json.parse("{\"password\":\"hunter2\"}"),
                    "allowed",
                    "r",
                    Optional.empty(),
                    "ok",
                    "success",
                    4.25,
                    100,
                    Optional.of("c"),
                    Optional.empty(),
                    "",
                    ""));
        }
        store.appendCompleted(bulk);
        record(store, "a", "crm.search", T0, "s", Decision.allowed("a", Optional.empty()), CallStatus.SUCCESS);

        assertThat(store.count(AuditQuery.all())).isEqualTo(52);
        assertThat(store.query(AuditQuery.builder()
                                .agent("billing-agent")
                                .limit(1)
                                .build())
                        .get(0)
                        .arguments()
                        .toString())
                .doesNotContain("hunter2");
        assertThat(store.verify().message()).isEqualTo("intact (52 records)");
    }

    @Test
    void aClosedStoreRefusesRecords() {
        JdbcAuditStore store = audit.store();
        store.close();
        assertThatThrownBy(() -> store.recordAttempt(call("a", "crm.search", Json.object())))
                .isInstanceOf(AuditUnavailableException.class);
    }

    @Test
    void aReaderSeesTheWritersRecordsButCannotWrite() throws Exception {
        long id = record(
                audit.store(), "a", "crm.search", T0, "s", Decision.allowed("a", Optional.empty()), CallStatus.SUCCESS);
        try (JdbcAuditStore reader = AuditStores.openExisting(audit.url())) {
            assertThat(reader.find(id)).isPresent();
            assertThatThrownBy(() -> reader.recordAttempt(call("a", "crm.search", Json.object())))
                    .isInstanceOf(AuditUnavailableException.class)
                    .hasMessageContaining("reading only");
        }
        assertThat(audit.store().verify().intact()).isTrue();
    }

    @Test
    void anUnreachableDatabaseIsReportedAsUnavailable() {
        assertThatThrownBy(() -> AuditStores.open("jdbc:postgresql://127.0.0.1:1/none?connectTimeout=2"))
                .isInstanceOf(AuditUnavailableException.class)
                .hasMessageContaining("cannot open the audit store");
    }

    private static long record(
            JdbcAuditStore store,
            String agent,
            String tool,
            Instant at,
            String session,
            Decision decision,
            CallStatus status)
            throws AuditUnavailableException {
        ToolCall call = call(agent, tool, Json.object(), at, session, Optional.empty());
        long id = store.recordAttempt(call);
        store.recordOutcome(id, call, new CallOutcome(decision, status, Json.object(), 2), Duration.ofMillis(5));
        return id;
    }

    private static List<Long> reversed(List<Long> ids) {
        List<Long> copy = new ArrayList<>(ids);
        Collections.reverse(copy);
        return copy;
    }

    private static List<String> tools(JdbcAuditStore store, AuditQuery query) {
        return store.query(query).stream()
                .map(r -> r.agentId() + " " + r.qualifiedTool())
                .toList();
    }
}
