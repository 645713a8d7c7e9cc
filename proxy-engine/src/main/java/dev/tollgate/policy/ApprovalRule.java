package dev.tollgate.policy;

/**
 * One {@code approve:} entry of a role: calls it matches (tool glob and/or class, optional condition) are held
 * until a human approves or denies them. Written and matched exactly like an allow or deny item.
 */
public record ApprovalRule(PolicyRule match) {

    /** How prompts and the audit record name it, e.g. {@code role billing approve payments.issueRefund when …}. */
    public String describe() {
        return match.describe().replaceFirst(" allow ", " approve ");
    }

    /** Where it is written, {@code file:line}. */
    public String source() {
        return match.source();
    }
}
