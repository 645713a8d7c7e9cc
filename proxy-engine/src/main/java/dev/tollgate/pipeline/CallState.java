package dev.tollgate.pipeline;

import java.util.Optional;
import java.util.OptionalLong;

/**
 * The explicit state of one call as it runs down the chain: the snapshot it is decided with, the decision (each
 * half recorded once by the link that makes it), the call as the deepest link so far saw it, and its audit id.
 *
 * <p>The decision has two halves. The policy link records the rule that allows the call; any link may then
 * block it, once, and that block is final. Nothing replaces a recorded half: a second attempt is a bug in a link
 * and throws, which the chain turns into a blocked {@code internal} decision (fail closed).
 */
public final class CallState {
    private final CallSnapshot snapshot;
    private volatile ToolCall latest;
    private Decision allowedBy;
    private Decision blockedBy;
    private volatile long auditId = -1;
    private volatile Decision shadow;

    CallState(CallSnapshot snapshot, ToolCall call) {
        this.snapshot = snapshot;
        this.latest = call;
    }

    public CallSnapshot snapshot() {
        return snapshot;
    }

    /** Records the rule that allows the call; throws if an allow was already recorded or the call is blocked. */
    public synchronized void allow(Decision decision) {
        if (decision.isBlocked()) {
            throw new IllegalArgumentException("allow() takes an allowing decision, not " + decision.rule());
        }
        if (blockedBy != null || allowedBy != null) {
            throw new IllegalStateException("the call was already decided by "
                    + decision().orElseThrow().rule() + "; " + decision.rule() + " cannot decide it again");
        }
        allowedBy = decision;
    }

    /**
     * Records that a person approved the call the policy allowed: the approval (naming the approve rule, who, when,
     * after how long) becomes the allowing decision. Throws unless an allow is recorded and nothing blocked the call.
     */
    public synchronized void approved(Decision decision) {
        if (decision.isBlocked()) {
            throw new IllegalArgumentException("approved() takes an allowing decision, not " + decision.rule());
        }
        if (allowedBy == null || blockedBy != null) {
            throw new IllegalStateException("only a call the policy allowed and nothing blocked can be approved");
        }
        allowedBy = decision;
    }

    /** Records the block that ends the call; throws if the call was already blocked. */
    public synchronized void block(Decision decision) {
        if (!decision.isBlocked()) {
            throw new IllegalArgumentException("block() takes a blocking decision, not " + decision.rule());
        }
        if (blockedBy != null) {
            throw new IllegalStateException("the call was already blocked by " + blockedBy.rule() + "; "
                    + decision.rule() + " cannot block it again");
        }
        blockedBy = decision;
    }

    /** The block if there is one, else the allowing rule, else empty (no link has decided yet). */
    public synchronized Optional<Decision> decision() {
        return Optional.ofNullable(blockedBy != null ? blockedBy : allowedBy);
    }

    synchronized boolean blocked() {
        return blockedBy != null;
    }

    /** The call as the deepest link so far received it (with the identity later links established). */
    public ToolCall call() {
        return latest;
    }

    void reached(ToolCall call) {
        latest = call;
    }

    /** Set once by the audit link when the attempt is stored. */
    public void auditId(long id) {
        auditId = id;
    }

    public OptionalLong auditId() {
        long id = auditId;
        return id < 0 ? OptionalLong.empty() : OptionalLong.of(id);
    }

    /** Records how the shadow candidate would have decided, when it disagreed with the chain. */
    public void shadow(Decision decision) {
        shadow = decision;
    }

    /** The shadow candidate's disagreeing decision, if one was recorded. */
    public Optional<Decision> shadow() {
        return Optional.ofNullable(shadow);
    }

    /**
     * The outcome as it ends: the recorded decision (the links' own only when no link recorded one, in chains
     * without a deciding link), the final call and the audit id.
     */
    public CallOutcome settle(CallOutcome fromLinks) {
        Decision decision = decision().orElse(fromLinks.decision());
        return new CallOutcome(
                decision,
                fromLinks.status(),
                fromLinks.result(),
                fromLinks.responseBytes(),
                Optional.of(call()),
                auditId(),
                shadow());
    }
}
