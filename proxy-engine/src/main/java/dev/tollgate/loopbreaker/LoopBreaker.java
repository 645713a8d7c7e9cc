package dev.tollgate.loopbreaker;

import dev.tollgate.pipeline.BlockReason;
import dev.tollgate.pipeline.Decision;
import dev.tollgate.pipeline.ToolCall;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;

/**
 * Remembers, per agent, tool and canonical arguments, when the call was last made. The call that makes
 * more than {@code maxRepeats} within the window trips the breaker: that exact call is refused for
 * the cool-down, while the same tool with other arguments still passes (bursts are the rate limit's job).
 */
public final class LoopBreaker {
    private final RepeatWindow window;

    /** What the breaker made of one call. {@code tripped} is true only for the call that tripped it. */
    public record Verdict(Optional<Decision> refusal, boolean tripped, LoopRule rule) {
        static final Verdict PASS = new Verdict(Optional.empty(), false, LoopRule.defaults());
    }

    /** A breaker over this process's memory. */
    public LoopBreaker() {
        this(new InMemoryRepeatWindow());
    }

    /** A breaker whose repeats live in {@code window}, shared between instances when the window is. */
    public LoopBreaker(RepeatWindow window) {
        this.window = window;
    }

    public Verdict check(ToolCall call, LoopBreakerSettings settings, Instant now) {
        Optional<LoopRule> configured = settings.ruleFor(call.tool().qualified());
        if (configured.isEmpty()) {
            return Verdict.PASS;
        }
        LoopRule rule = configured.get();
        String key = call.agentId() + "|" + call.tool().qualified() + "|" + CanonicalArguments.digest(call.arguments());
        Repeat repeat = window.record(key, rule, now);
        return switch (repeat.state()) {
            case PASSED -> new Verdict(Optional.empty(), false, rule);
            case TRIPPED -> new Verdict(Optional.of(refusal(call, rule, repeat.blockedFor())), true, rule);
            case COOLING_DOWN -> new Verdict(Optional.of(refusal(call, rule, repeat.blockedFor())), false, rule);
        };
    }

    private static Decision refusal(ToolCall call, LoopRule rule, Duration retryAfter) {
        String message = "Tollgate stopped a loop: agent " + call.agentId() + " called "
                + call.tool().qualified()
                + " with the same arguments more than " + rule.maxRepeats() + " times in "
                + LoopRule.human(rule.window()) + " (" + rule.source() + "). Change the arguments or wait.";
        return Decision.limited(
                BlockReason.LOOP_BREAKER, rule.describe(), Optional.of(rule.source()), message, retryAfter);
    }
}
