package dev.tollgate.history;

import dev.tollgate.pipeline.ToolCall;

/**
 * The earlier allowed calls that {@code session.*} and {@code conversation.*} conditions look at: those of the
 * call's MCP session, and of its conversation id when the agent gave one.
 */
public interface CallHistory {
    /** No earlier calls at all: every count and sum is zero (for callers that keep no history). */
    CallHistory NONE = new CallHistory() {
        @Override
        public HistoryView session(ToolCall call) {
            return HistoryView.EMPTY;
        }

        @Override
        public HistoryView conversation(ToolCall call) {
            return HistoryView.EMPTY;
        }
    };

    /** The allowed calls of this call's session so far (not counting the call itself). */
    HistoryView session(ToolCall call);

    /** The allowed calls of this call's conversation so far; empty when the call names no conversation. */
    HistoryView conversation(ToolCall call);
}
