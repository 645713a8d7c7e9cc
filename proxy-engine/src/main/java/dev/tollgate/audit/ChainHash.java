package dev.tollgate.audit;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * The hash-chain link of one stored row: SHA-256 over a canonical, length-prefixed serialisation of
 * every stored field and the previous record's hash, so changing, removing or reordering any record shows.
 */
final class ChainHash {
    /** The {@code prevHash} of the first record in a store. */
    static final String GENESIS = "0".repeat(64);

    private ChainHash() {}

    static String of(StoredRow row, long seq, String prevHash) {
        StringBuilder canonical = new StringBuilder(256
                + row.argumentsJson().length()
                + (row.resultJson() == null ? 0 : row.resultJson().length()));
        field(canonical, "v", "1");
        field(canonical, "id", Long.toString(row.id()));
        field(canonical, "seq", Long.toString(seq));
        field(canonical, "ts", Long.toString(row.timestampMicros()));
        field(canonical, "agent", row.agentId());
        field(canonical, "session", row.sessionId());
        field(canonical, "user", row.userId());
        field(canonical, "server", row.server());
        field(canonical, "tool", row.tool());
        field(canonical, "arguments", row.argumentsJson());
        field(canonical, "conversation", row.conversationId());
        field(canonical, "decision", row.decision());
        field(canonical, "rule", row.rule());
        field(canonical, "ruleSource", row.ruleSource());
        field(canonical, "reason", row.reason());
        field(canonical, "status", row.status());
        field(canonical, "latencyUs", row.latencyMicros() == null ? null : Long.toString(row.latencyMicros()));
        field(canonical, "responseSize", row.responseSize() == null ? null : Long.toString(row.responseSize()));
        field(canonical, "result", row.resultJson());
        if (row.shadowDecision() != null) {
            // Only records a shadow disagreed on carry these, so every earlier record keeps its hash.
            field(canonical, "shadowDecision", row.shadowDecision());
            field(canonical, "shadowRule", row.shadowRule());
        }
        field(canonical, "prev", prevHash);
        try {
            MessageDigest sha = MessageDigest.getInstance("SHA-256");
            return HexFormat.of().formatHex(sha.digest(canonical.toString().getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java runtime provides SHA-256", e);
        }
    }

    private static void field(StringBuilder out, String name, String value) {
        out.append(name).append('=');
        if (value == null) {
            out.append('-');
        } else {
            out.append(value.length()).append(':').append(value);
        }
        out.append('\n');
    }
}
