package dev.tollgate.audit;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tollgate.testing.TemporaryAuditStore;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

class CrashRecoveryTest {
    @RegisterExtension
    final TemporaryAuditStore audit = TemporaryAuditStore.create();

    @Test
    void anAttemptLeftOpenByAKilledProcessIsClosedAsInterruptedAndChainedOnNextOpen() throws Exception {
        Process child = new ProcessBuilder(
                        Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                        "-cp",
                        System.getProperty("java.class.path"),
                        CrashingWriter.class.getName(),
                        audit.url())
                .redirectError(ProcessBuilder.Redirect.DISCARD)
                .start();
        String output = new String(child.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
        assertThat(child.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(child.exitValue()).isEqualTo(9);
        long id = Long.parseLong(output);

        JdbcAuditStore store = audit.store();

        AuditRecord recovered = store.find(id).orElseThrow();
        assertThat(recovered.status()).isEqualTo("error");
        assertThat(recovered.reason()).isEqualTo("interrupted: Tollgate stopped before the call completed");
        assertThat(recovered.arguments().path("orderId").asString()).isEqualTo("crash-1");
        assertThat(recovered.hash()).isNotEmpty();
        assertThat(store.verify().message()).isEqualTo("intact (1 records)");
    }
}
