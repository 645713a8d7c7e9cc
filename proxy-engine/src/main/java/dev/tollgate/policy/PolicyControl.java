package dev.tollgate.policy;

import dev.tollgate.audit.AuditQuery;
import dev.tollgate.config.ConfigException;
import java.util.List;

/** What a policy author (editor, command line) may do with the running policy. */
public interface PolicyControl {
    /** The configuration text now in force. */
    String currentText();

    /** Problems of a candidate text, each with its line; empty when valid. */
    List<ConfigException> check(String candidateText);

    /** Evaluates the candidate over recorded calls and reports the decisions it would change. */
    PreviewReport preview(String candidateText, AuditQuery range);

    /** Validates, writes and hot-swaps the candidate; throws with the first problem and keeps the old policy. */
    void apply(String candidateText) throws ConfigException;

    /**
     * As {@link #apply(String)}, only if the configuration still is {@code basedOn} (the text the edit started
     * from); otherwise throws and changes nothing, so a change made meanwhile is never overwritten. This default
     * compares before applying; a control that owns the file compares and writes under one lock.
     */
    default void apply(String candidateText, String basedOn) throws ConfigException {
        if (!currentText().equals(basedOn)) {
            throw new ConfigException(
                    "<policy>",
                    0,
                    "the policy changed since this edit began;"
                            + " reload or merge that change first (nothing was saved)");
        }
        apply(candidateText);
    }
}
