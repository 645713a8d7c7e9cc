package dev.tollgate.sample.agents;

import java.util.concurrent.atomic.AtomicInteger;

/** How many tool calls the scripted agents may still make in total; a retry loop runs until it is spent. */
public final class CallBudget {
    private final AtomicInteger remaining;

    public CallBudget(int calls) {
        if (calls < 0) {
            throw new IllegalArgumentException("the call budget cannot be negative: " + calls);
        }
        this.remaining = new AtomicInteger(calls);
    }

    /** Takes one call from the budget; false when it is spent. */
    public boolean take() {
        return remaining.getAndUpdate(n -> n > 0 ? n - 1 : 0) > 0;
    }

    public int remaining() {
        return remaining.get();
    }
}
