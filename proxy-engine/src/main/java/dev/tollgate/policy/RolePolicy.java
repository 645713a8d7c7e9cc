package dev.tollgate.policy;

import dev.tollgate.config.SourceMap;
import dev.tollgate.config.TollgateConfig;
import dev.tollgate.identity.AgentIdentity;
import dev.tollgate.pipeline.BlockReason;
import dev.tollgate.pipeline.Decision;
import dev.tollgate.pipeline.ToolAnnotations;
import dev.tollgate.pipeline.ToolCall;
import dev.tollgate.pipeline.ToolRef;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import tools.jackson.databind.JsonNode;

/** The roles' {@code allow}/{@code deny} globs: deny wins, anything not allowed is denied. */
public final class RolePolicy implements Policy {
    private record Rule(String role, boolean allow, Glob glob, String source) {
        String describe() {
            return "role " + role + " " + (allow ? "allow" : "deny") + " " + glob.pattern();
        }
    }

    private final Map<String, List<Rule>> rulesByRole;

    private RolePolicy(Map<String, List<Rule>> rulesByRole) {
        this.rulesByRole = rulesByRole;
    }

    public static RolePolicy from(TollgateConfig config) {
        SourceMap lines = config.sourceMap();
        Map<String, List<Rule>> byRole = new LinkedHashMap<>();
        for (Map.Entry<String, JsonNode> role : config.root().path("roles").properties()) {
            List<Rule> rules = new ArrayList<>();
            for (String kind : List.of("deny", "allow")) {
                JsonNode list = role.getValue().path(kind);
                for (int i = 0; i < list.size(); i++) {
                    String pointer = "/roles/" + role.getKey() + "/" + kind + "/" + i;
                    rules.add(new Rule(role.getKey(), kind.equals("allow"), Glob.of(list.get(i).asString()),
                            lines.location(pointer)));
                }
            }
            byRole.put(role.getKey(), List.copyOf(rules));
        }
        return new RolePolicy(byRole);
    }

    @Override
    public Decision decide(ToolCall call) {
        if (call.agent().isEmpty()) {
            return Decision.blocked(BlockReason.AUTHENTICATION, "identity", Optional.empty(), "agent is not authenticated");
        }
        String name = call.tool().qualified();
        Optional<Rule> allow = Optional.empty();
        for (String role : call.agent().get().roles()) {
            for (Rule rule : rulesByRole.getOrDefault(role, List.of())) {
                if (!rule.glob().matches(name)) {
                    continue;
                }
                if (!rule.allow()) {
                    return Decision.blocked(BlockReason.POLICY, rule.describe(), Optional.of(rule.source()),
                            "Tollgate blocked " + name + ": denied by " + rule.describe() + " (" + rule.source() + ").");
                }
                if (allow.isEmpty()) {
                    allow = Optional.of(rule);
                }
            }
        }
        return allow.map(r -> Decision.allowed(r.describe(), Optional.of(r.source())))
                .orElseGet(() -> Decision.blocked(BlockReason.POLICY, "default deny", Optional.empty(),
                        "Tollgate blocked " + name + ": no rule allows agent " + call.agentId() + " to call it (default deny)."));
    }

    @Override
    public boolean visible(AgentIdentity agent, ToolRef tool, ToolAnnotations annotations) {
        String name = tool.qualified();
        boolean allowed = false;
        for (String role : agent.roles()) {
            for (Rule rule : rulesByRole.getOrDefault(role, List.of())) {
                if (rule.glob().matches(name)) {
                    if (!rule.allow()) {
                        return false;
                    }
                    allowed = true;
                }
            }
        }
        return allowed;
    }
}
