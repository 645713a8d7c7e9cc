package dev.tollgate.ui.live;

import dev.tollgate.audit.AuditRecord;

/** Why a call ended as it did, in the words an investigator scans for: which guard blocked it, or what failed. */
public enum Reason {
    NONE(""),
    RULE("rule"),
    LIMIT("limit"),
    BREAKER("breaker"),
    BLOCKED("blocked"),
    UPSTREAM_ERROR("upstream error"),
    TIMEOUT("timeout");

    private final String label;

    Reason(String label) {
        this.label = label;
    }

    public String label() {
        return label;
    }

    /** Classifies a record by the rule that decided it (the names the policy engine gives its guards). */
    public static Reason of(AuditRecord r) {
        if (r.blocked()) {
            String rule = r.rule();
            if (rule.startsWith("loop breaker")) {
                return BREAKER;
            }
            if (rule.startsWith("limit ") || rule.contains(" limit ")) {
                return LIMIT;
            }
            if (rule.startsWith("role ") || rule.equals("default deny")) {
                return RULE;
            }
            return BLOCKED;
        }
        return switch (r.status()) {
            case "timeout" -> TIMEOUT;
            case "error" -> UPSTREAM_ERROR;
            default -> NONE;
        };
    }

    /** The column text: the guard and the rule it applied ({@code limit · role billing limit …}). */
    public static String describe(AuditRecord r) {
        Reason reason = of(r);
        return switch (reason) {
            case NONE -> "";
            case UPSTREAM_ERROR, TIMEOUT -> reason.label;
            default -> reason.label + " · " + r.rule();
        };
    }
}
