package dev.tollgate.audit;

import static dev.tollgate.testing.TemporaryAuditStore.call;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.tollgate.config.ConfigException;
import dev.tollgate.config.ConfigLoader;
import dev.tollgate.config.TollgateConfig;
import dev.tollgate.json.Json;
import dev.tollgate.pipeline.BlockReason;
import dev.tollgate.pipeline.CallOutcome;
import dev.tollgate.pipeline.Decision;
import dev.tollgate.pipeline.ToolCall;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code audit.sync}: a journal that waits for the disk still records and chains every call. */
class AuditSyncTest {
    @TempDir
    Path dir;

    private TollgateConfig config(String sync) throws Exception {
        Path file = dir.resolve("tollgate.yaml");
        Files.writeString(
                file, "audit:\n  url: jdbc:h2:file:" + dir.resolve("audit") + "\n  sync: " + sync + "\nservers: {}\n");
        return new ConfigLoader().load(file);
    }

    @Test
    void aSyncedStoreRecordsEveryCallAndItsChainVerifiesAfterReopening() throws Exception {
        TollgateConfig config = config("true");
        try (JdbcAuditStore store = AuditStores.open(config)) {
            for (int i = 0; i < 3; i++) {
                ToolCall call =
                        call("billing-agent", "payments.issueRefund", Json.parse("{\"orderId\":\"S-" + i + "\"}"));
                long id = store.recordAttempt(call);
                store.recordOutcome(
                        id,
                        call,
                        CallOutcome.blocked(Decision.blocked(
                                BlockReason.POLICY, "deny payments.*", Optional.empty(), "refunds need approval")),
                        Duration.ofMillis(2));
            }
        }

        try (JdbcAuditStore reopened = AuditStores.open(config)) {
            assertThat(reopened.count(AuditQuery.builder().build())).isEqualTo(3);
            VerifyResult verified = reopened.verify();
            assertThat(verified.intact()).isTrue();
            assertThat(verified.recordsChecked()).isEqualTo(3);
        }
    }

    @Test
    void anythingButTrueOrFalseIsAProblemAtItsLine() throws Exception {
        TollgateConfig config = config("always");

        assertThatThrownBy(() -> AuditStores.open(config))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("tollgate.yaml:3")
                .hasMessageContaining("audit.sync must be true or false");
    }
}
