package dev.tollgate.policy;

import dev.tollgate.auditserver.AuditServerSettings;
import dev.tollgate.config.AgentConfig;
import dev.tollgate.config.ConfigException;
import dev.tollgate.config.ConfigKeys;
import dev.tollgate.config.TollgateConfig;
import dev.tollgate.history.CallHistory;
import dev.tollgate.identity.AgentIdentity;
import dev.tollgate.loopbreaker.LoopBreakerSettings;
import dev.tollgate.pipeline.BlockReason;
import dev.tollgate.pipeline.Decision;
import dev.tollgate.pipeline.ToolAnnotations;
import dev.tollgate.pipeline.ToolCall;
import dev.tollgate.pipeline.ToolRef;
import dev.tollgate.ratelimit.LimitRule;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The whole governance configuration compiled once and never changed afterwards: role rules (tool
 * globs, tool classes, CEL conditions), rate limits and the loop breaker. Hot reload swaps one
 * instance for another, so a call always sees one consistent policy.
 *
 * <p>Precedence: a deny naming tools by pattern always wins; a deny by tool class wins unless an allow
 * names the exact tool; otherwise any allow allows; nothing allowed means denied. A condition that cannot
 * be evaluated blocks the call (fail closed).
 */
public final class CompiledPolicy implements Policy {
    private final TollgateConfig config;
    private final Map<String, List<PolicyRule>> rulesByRole;
    private final Map<String, List<ApprovalRule>> approvalsByRole;
    private final List<LimitRule> limits;
    private final LoopBreakerSettings loopBreaker;
    private final Optional<AuditServerSettings> auditServer;

    private CompiledPolicy(
            TollgateConfig config,
            Map<String, List<PolicyRule>> rulesByRole,
            Map<String, List<ApprovalRule>> approvalsByRole,
            List<LimitRule> limits,
            LoopBreakerSettings loopBreaker,
            Optional<AuditServerSettings> auditServer) {
        this.auditServer = auditServer;
        this.config = config;
        this.rulesByRole = rulesByRole;
        this.approvalsByRole = approvalsByRole;
        this.limits = limits;
        this.loopBreaker = loopBreaker;
    }

    /**
     * Compiles the policy sections of a loaded configuration; throws the first problem with its line (an
     * unknown key anywhere in the file is one: a misspelt key must not be silently ignored).
     */
    public static CompiledPolicy from(TollgateConfig config) {
        PolicyParser parser = new PolicyParser(config);
        List<ConfigException> problems = problems(config, parser);
        if (!problems.isEmpty()) {
            throw problems.get(0);
        }
        Map<String, List<PolicyRule>> rules = new LinkedHashMap<>();
        parser.rulesByRole.forEach((role, list) -> rules.put(role, List.copyOf(list)));
        return new CompiledPolicy(
                config,
                Map.copyOf(rules),
                Map.copyOf(parser.approvalsByRole),
                List.copyOf(parser.limits),
                parser.loopBreaker,
                parser.auditServer);
    }

    /** Every problem of the policy sections and every unknown key, in file order; empty when the policy compiles. */
    public static List<ConfigException> check(TollgateConfig config) {
        return problems(config, new PolicyParser(config));
    }

    private static List<ConfigException> problems(TollgateConfig config, PolicyParser parser) {
        List<ConfigException> all = new ArrayList<>(ConfigKeys.unknownKeys(config));
        all.addAll(parser.problems());
        all.sort(Comparator.comparingInt(ConfigException::line));
        return all;
    }

    public TollgateConfig config() {
        return config;
    }

    public List<LimitRule> limits() {
        return limits;
    }

    public LoopBreakerSettings loopBreaker() {
        return loopBreaker;
    }

    /** The rules of one role, deny rules first, in file order. */
    public List<PolicyRule> rules(String role) {
        return rulesByRole.getOrDefault(role, List.of());
    }

    /** The identity a configured agent gets, for evaluating recorded calls without a live handshake. */
    public Optional<AgentIdentity> agent(String agentId) {
        AgentConfig agent = config.agents().get(agentId);
        return agent == null ? Optional.empty() : Optional.of(new AgentIdentity(agentId, agent.roles(), "config"));
    }

    @Override
    public boolean usesHistory() {
        return rulesByRole.values().stream()
                        .flatMap(List::stream)
                        .anyMatch(
                                rule -> rule.when().map(Condition::usesHistory).orElse(false))
                || approvalsByRole.values().stream()
                        .flatMap(List::stream)
                        .anyMatch(rule ->
                                rule.match().when().map(Condition::usesHistory).orElse(false));
    }

    /**
     * The first {@code approve:} rule of the agent's roles that matches the call, if any. A condition that cannot
     * be evaluated counts as matching: when in doubt a human looks at the call.
     */
    @Override
    public Optional<ApprovalRule> approval(ToolCall call, CallHistory history) {
        if (call.agent().isEmpty()) {
            return Optional.empty();
        }
        String name = call.tool().qualified();
        for (String role : call.agent().get().roles()) {
            for (ApprovalRule rule : approvalsByRole.getOrDefault(role, List.of())) {
                if (!rule.match().targets(name, call.annotations())) {
                    continue;
                }
                try {
                    if (rule.match().when().isEmpty()
                            || rule.match().when().get().test(call, call.receivedAt(), history)) {
                        return Optional.of(rule);
                    }
                } catch (ConditionException e) {
                    return Optional.of(rule);
                }
            }
        }
        return Optional.empty();
    }

    @Override
    public Decision decide(ToolCall call) {
        return decide(call, CallHistory.NONE);
    }

    @Override
    public Decision decide(ToolCall call, CallHistory history) {
        if (call.agent().isEmpty()) {
            return Decision.blocked(
                    BlockReason.AUTHENTICATION,
                    "identity",
                    Optional.empty(),
                    "Tollgate blocked " + call.tool().qualified() + ": the agent is not authenticated.");
        }
        ToolRef tool = call.tool();
        String name = tool.qualified();
        if (!mayUseAuditServer(call.agent().get(), tool)) {
            AuditServerSettings settings = auditServer.orElseThrow();
            return Decision.blocked(
                    BlockReason.POLICY,
                    "auditServer roles",
                    Optional.of(settings.source()),
                    "Tollgate blocked " + name + ": only agents with one of the roles " + settings.roles() + " ("
                            + settings.source() + ") may use the audit server.");
        }
        Instant now = call.receivedAt();
        PolicyRule patternDeny = null;
        PolicyRule classDeny = null;
        PolicyRule exactAllow = null;
        PolicyRule anyAllow = null;
        for (String role : call.agent().get().roles()) {
            for (PolicyRule rule : rules(role)) {
                if (!rule.targets(name, call.annotations())) {
                    continue;
                }
                if (rule.when().isPresent()) {
                    try {
                        if (!rule.when().get().test(call, now, history)) {
                            continue;
                        }
                    } catch (ConditionException e) {
                        return Decision.blocked(
                                BlockReason.POLICY,
                                rule.describe(),
                                Optional.of(rule.source()),
                                "Tollgate blocked " + name + " because " + rule.describe() + " (" + rule.source()
                                        + ") could not be decided: " + e.getMessage() + ".");
                    }
                }
                if (!rule.allow()) {
                    if (rule.isClassDeny()) {
                        classDeny = classDeny == null ? rule : classDeny;
                    } else if (patternDeny == null) {
                        patternDeny = rule;
                    }
                } else {
                    if (rule.isExactAllow() && exactAllow == null) {
                        exactAllow = rule;
                    }
                    anyAllow = anyAllow == null ? rule : anyAllow;
                }
            }
        }
        if (patternDeny != null) {
            return denied(name, patternDeny);
        }
        if (classDeny != null) {
            return exactAllow != null ? allowed(exactAllow) : denied(name, classDeny);
        }
        if (anyAllow != null) {
            return allowed(exactAllow != null ? exactAllow : anyAllow);
        }
        Optional<String> rolesLine = config.sourceMap()
                .exactLine("/agents/" + call.agentId().replace("~", "~0").replace("/", "~1") + "/roles")
                .map(line -> config.sourceMap().file() + ":" + line);
        return Decision.blocked(
                BlockReason.POLICY,
                "default deny",
                rolesLine,
                "Tollgate blocked " + name + ": no rule allows agent " + call.agentId() + " (roles "
                        + call.agent().get().roles()
                        + rolesLine.map(l -> ", " + l).orElse("")
                        + ") to call it (default deny).");
    }

    /** The audit server's tools are for its roles only, whatever broader allows (such as {@code *}) say. */
    private boolean mayUseAuditServer(AgentIdentity agent, ToolRef tool) {
        return auditServer.isEmpty()
                || !tool.server().equals(AuditServerSettings.SERVER)
                || agent.roles().stream().anyMatch(auditServer.get().roles()::contains);
    }

    /** The {@code auditServer} section, when the virtual server {@code tollgate} is on. */
    public Optional<AuditServerSettings> auditServer() {
        return auditServer;
    }

    private static Decision allowed(PolicyRule rule) {
        return Decision.allowed(rule.describe(), Optional.of(rule.source()));
    }

    private static Decision denied(String name, PolicyRule rule) {
        return Decision.blocked(
                BlockReason.POLICY,
                rule.describe(),
                Optional.of(rule.source()),
                "Tollgate blocked " + name + ": denied by " + rule.describe() + " (" + rule.source() + ").");
    }

    /**
     * Whether the tool is listed to the agent: some allow could let it through and no unconditional deny
     * shuts it out. A conditional allow lists the tool, since some arguments may pass.
     */
    @Override
    public boolean visible(AgentIdentity agent, ToolRef tool, ToolAnnotations annotations) {
        if (!mayUseAuditServer(agent, tool)) {
            return false;
        }
        boolean patternDeny = false;
        boolean classDeny = false;
        boolean exactAllow = false;
        boolean anyAllow = false;
        String name = tool.qualified();
        for (String role : agent.roles()) {
            for (PolicyRule rule : rules(role)) {
                if (!rule.targets(name, annotations)) {
                    continue;
                }
                boolean unconditional = rule.when().isEmpty();
                if (!rule.allow()) {
                    if (unconditional && rule.isClassDeny()) {
                        classDeny = true;
                    } else if (unconditional) {
                        patternDeny = true;
                    }
                } else {
                    exactAllow |= rule.isExactAllow();
                    anyAllow = true;
                }
            }
        }
        if (patternDeny) {
            return false;
        }
        if (classDeny) {
            return exactAllow;
        }
        return anyAllow;
    }
}
