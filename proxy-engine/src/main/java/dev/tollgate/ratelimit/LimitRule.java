package dev.tollgate.ratelimit;

import dev.tollgate.pipeline.ToolCall;
import dev.tollgate.policy.Glob;
import java.util.Optional;

/**
 * One configured limit: which tools ({@code tool} glob), whose calls share a bucket ({@code scope}),
 * the rate, and for role limits the role whose agents it binds. {@code name} is what blocked calls cite.
 */
public record LimitRule(String name, LimitScope scope, Glob tool, Rate rate, Optional<String> role, String source) {

    /** Whether this limit counts the call at all. */
    public boolean appliesTo(ToolCall call) {
        if (!tool.matches(call.tool().qualified())) {
            return false;
        }
        if (role.isPresent()
                && call.agent().map(a -> !a.roles().contains(role.get())).orElse(true)) {
            return false;
        }
        return scope != LimitScope.USER || call.user().isPresent();
    }

    /** The bucket this call draws from; the rate is part of the key so an edited limit starts a fresh bucket. */
    public String bucketKey(ToolCall call) {
        String who = switch (scope) {
            case AGENT_TOOL -> call.agentId() + "|" + call.tool().qualified();
            case AGENT -> call.agentId();
            case USER -> call.user().map(u -> u.subject()).orElse("");
            case TOOL -> call.tool().qualified();
        };
        return name + "|" + rate + "|" + who;
    }
}
