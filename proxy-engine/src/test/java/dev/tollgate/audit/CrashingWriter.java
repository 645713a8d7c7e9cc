package dev.tollgate.audit;

import dev.tollgate.json.Json;
import dev.tollgate.testing.TemporaryAuditStore;

/** A Tollgate that records an attempt and dies before the call completes (run as a child JVM by tests). */
public final class CrashingWriter {
    private CrashingWriter() {}

    public static void main(String[] args) throws Exception {
        JdbcAuditStore store = AuditStores.open(args[0]);
        long id = store.recordAttempt(TemporaryAuditStore.call(
                "billing-agent", "payments.issueRefund", Json.parse("{\"orderId\":\"crash-1\"}")));
        System.out.println(id);
        System.out.flush();
        Runtime.getRuntime().halt(9);
    }
}
