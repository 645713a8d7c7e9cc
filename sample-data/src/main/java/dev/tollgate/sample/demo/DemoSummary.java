package dev.tollgate.sample.demo;

import dev.tollgate.audit.AuditRecord;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/**
 * What the demo's calls came to, read back from the audit store: how many were allowed, and how many each
 * kind of guard blocked (policy rule, rate limit, loop breaker), plus how many refunds actually reached
 * the payment processor while the billing agent kept retrying.
 */
public record DemoSummary(
        long calls,
        long allowed,
        long blockedByRule,
        long blockedByLimit,
        long blockedByBreaker,
        long blockedOther,
        long refundAttempts,
        int refundsReachingPayments,
        Map<String, Long> blockedByRuleName) {

    public DemoSummary {
        blockedByRuleName = Map.copyOf(blockedByRuleName);
    }

    /** Which guard blocked a call, judged from the rule its audit record names. */
    public enum Guard {
        NONE,
        RULE,
        LIMIT,
        BREAKER,
        OTHER
    }

    public static Guard guardOf(AuditRecord record) {
        if (!record.blocked()) {
            return Guard.NONE;
        }
        String rule = record.rule();
        if (rule.startsWith("loop breaker")) {
            return Guard.BREAKER;
        }
        if (rule.startsWith("limit ") || rule.contains(" limit ")) {
            return Guard.LIMIT;
        }
        if (rule.startsWith("role ") || rule.equals("default deny")) {
            return Guard.RULE;
        }
        return Guard.OTHER;
    }

    static DemoSummary of(List<AuditRecord> records, int refundsReachingPayments) {
        long allowed = 0;
        long rule = 0;
        long limit = 0;
        long breaker = 0;
        long other = 0;
        long refunds = 0;
        Map<String, Long> byRule = new TreeMap<>();
        for (AuditRecord r : records) {
            if (r.qualifiedTool().equals("payments.issueRefund")) {
                refunds++;
            }
            Guard guard = guardOf(r);
            switch (guard) {
                case NONE:
                    allowed++;
                    continue;
                case RULE:
                    rule++;
                    break;
                case LIMIT:
                    limit++;
                    break;
                case BREAKER:
                    breaker++;
                    break;
                default:
                    other++;
                    break;
            }
            byRule.merge(r.rule(), 1L, Long::sum);
        }
        return new DemoSummary(
                records.size(), allowed, rule, limit, breaker, other, refunds, refundsReachingPayments, byRule);
    }

    /** The summary as {@code tollgate demo --headless} prints it. */
    public String render() {
        StringBuilder s = new StringBuilder();
        s.append(String.format(Locale.ROOT, "calls: %d%n", calls));
        s.append(String.format(Locale.ROOT, "allowed: %d%n", allowed));
        s.append(String.format(Locale.ROOT, "blocked by rule: %d%n", blockedByRule));
        s.append(String.format(Locale.ROOT, "blocked by limit: %d%n", blockedByLimit));
        s.append(String.format(Locale.ROOT, "blocked by breaker: %d%n", blockedByBreaker));
        if (blockedOther > 0) {
            s.append(String.format(Locale.ROOT, "blocked otherwise: %d%n", blockedOther));
        }
        s.append(String.format(
                Locale.ROOT,
                "refund attempts: %d, refunds that reached the payments server: %d%n",
                refundAttempts,
                refundsReachingPayments));
        blockedByRuleName.forEach((name, n) -> s.append(String.format(Locale.ROOT, "  %5d  %s%n", n, name)));
        return s.toString();
    }
}
