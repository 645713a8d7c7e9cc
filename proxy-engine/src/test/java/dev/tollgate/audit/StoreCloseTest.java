package dev.tollgate.audit;

import static dev.tollgate.testing.TemporaryAuditStore.call;
import static org.assertj.core.api.Assertions.assertThat;

import dev.tollgate.json.Json;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import org.h2.api.DatabaseEventListener;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class StoreCloseTest {
    @TempDir
    Path dir;

    /**
     * Closing the H2 database compacts it for up to {@link AuditStores#WRITER_COMPACT_MILLIS}. When that happened on
     * the reader pool's connection closer, HikariCP gave up waiting after 10 s and every windowed demo start printed
     * "Timed-out waiting for close connection executor to shutdown"; the database must close on the closing thread.
     */
    @Test
    void theDatabaseClosesOnTheThreadThatClosesTheStoreAfterReadsWereMade() throws Exception {
        String url = "jdbc:h2:file:" + dir.resolve("audit") + ";DATABASE_EVENT_LISTENER='"
                + ClosingThreads.class.getName() + "'";
        ClosingThreads.THREADS.clear();
        JdbcAuditStore store = AuditStores.open(url);
        store.recordAttempt(
                call("billing-agent", "payments.issueRefund", Json.object(), Instant.now(), "s-1", Optional.empty()));
        assertThat(store.query(AuditQuery.all())).hasSize(1);

        store.close();

        assertThat(ClosingThreads.THREADS)
                .containsExactly(Thread.currentThread().getName());
    }

    /** Records which thread closes the database (H2 instantiates it by name, once per open database). */
    public static final class ClosingThreads implements DatabaseEventListener {
        static final List<String> THREADS = new CopyOnWriteArrayList<>();

        @Override
        public void closingDatabase() {
            THREADS.add(Thread.currentThread().getName());
        }
    }
}
