package dev.tollgate.loopbreaker;

import dev.tollgate.policy.Glob;
import java.util.List;
import java.util.Optional;

/** The configured breaker: on or off, the default rule, and per-tool rules (first matching glob wins). */
public record LoopBreakerSettings(boolean enabled, LoopRule defaults, List<ToolRule> tools) {
    public LoopBreakerSettings {
        tools = List.copyOf(tools);
    }

    /** A rule for the tools one glob names. */
    public record ToolRule(Glob tool, LoopRule rule) {}

    public static LoopBreakerSettings builtIn() {
        return new LoopBreakerSettings(true, LoopRule.defaults(), List.of());
    }

    /** The rule for this tool, or empty when the breaker is off (globally or for this tool, by maxRepeats 0). */
    public Optional<LoopRule> ruleFor(String qualifiedTool) {
        if (!enabled) {
            return Optional.empty();
        }
        LoopRule rule = tools.stream()
                .filter(t -> t.tool().matches(qualifiedTool))
                .map(ToolRule::rule)
                .findFirst()
                .orElse(defaults);
        return rule.maxRepeats() > 0 ? Optional.of(rule) : Optional.empty();
    }
}
