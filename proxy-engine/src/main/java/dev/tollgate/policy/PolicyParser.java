package dev.tollgate.policy;

import dev.tollgate.auditserver.AuditServerSettings;
import dev.tollgate.config.ConfigException;
import dev.tollgate.config.Durations;
import dev.tollgate.config.SourceMap;
import dev.tollgate.config.TollgateConfig;
import dev.tollgate.loopbreaker.LoopBreakerSettings;
import dev.tollgate.loopbreaker.LoopRule;
import dev.tollgate.ratelimit.LimitRule;
import dev.tollgate.ratelimit.LimitScope;
import dev.tollgate.ratelimit.Rate;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import tools.jackson.databind.JsonNode;

/**
 * Reads the policy sections ({@code roles}, {@code limits}, {@code loopBreaker}), collecting every problem with its
 * line; which keys may appear is {@link dev.tollgate.config.ConfigKeys}'s business.
 */
final class PolicyParser {
    private final SourceMap lines;
    private final List<ConfigException> problems = new ArrayList<>();

    final Map<String, List<PolicyRule>> rulesByRole = new LinkedHashMap<>();
    final Map<String, List<ApprovalRule>> approvalsByRole = new LinkedHashMap<>();
    final List<LimitRule> limits = new ArrayList<>();
    LoopBreakerSettings loopBreaker = LoopBreakerSettings.builtIn();
    Optional<AuditServerSettings> auditServer = Optional.empty();

    PolicyParser(TollgateConfig config) {
        this.lines = config.sourceMap();
        JsonNode root = config.root();
        roles(root.path("roles"));
        topLevelLimits(root.path("limits"));
        loopBreaker(root.path("loopBreaker"));
        auditServer(config);
    }

    /** The audit server's roles may use its tools: each gets an allow of {@code tollgate.*} written at the roles. */
    private void auditServer(TollgateConfig config) {
        try {
            auditServer = AuditServerSettings.from(config);
        } catch (ConfigException e) {
            problems.add(e);
            return;
        }
        auditServer.ifPresent(settings -> {
            for (String role : settings.roles()) {
                rulesByRole
                        .computeIfAbsent(role, r -> new ArrayList<>())
                        .add(new PolicyRule(
                                role,
                                true,
                                Optional.of(Glob.of(AuditServerSettings.SERVER + ".*")),
                                Optional.empty(),
                                Optional.empty(),
                                settings.source()));
            }
        });
    }

    /** In file order, as a compiler lists them. */
    List<ConfigException> problems() {
        return problems.stream()
                .sorted(Comparator.comparingInt(ConfigException::line))
                .toList();
    }

    private void problem(String pointer, String message) {
        problems.add(lines.error(pointer, message));
    }

    private static String key(String name) {
        return name.replace("~", "~0").replace("/", "~1");
    }

    private void roles(JsonNode roles) {
        if (roles.isMissingNode() || roles.isNull()) {
            return;
        }
        if (!roles.isObject()) {
            problem("/roles", "roles must be a mapping of role name to allow/deny/limits");
            return;
        }
        for (Map.Entry<String, JsonNode> role : roles.properties()) {
            String name = role.getKey();
            String pointer = "/roles/" + key(name);
            JsonNode body = role.getValue();
            List<PolicyRule> rules = new ArrayList<>();
            rulesByRole.put(name, rules);
            if (body.isNull()) {
                continue;
            }
            if (!body.isObject()) {
                problem(pointer, "role '" + name + "' must be a mapping with allow, deny and limits");
                continue;
            }
            rules(name, false, body.path("deny"), pointer + "/deny", rules);
            rules(name, true, body.path("allow"), pointer + "/allow", rules);
            List<PolicyRule> approve = new ArrayList<>();
            rules(name, true, body.path("approve"), pointer + "/approve", approve);
            approvalsByRole.put(name, approve.stream().map(ApprovalRule::new).toList());
            roleLimits(name, body.path("limits"), pointer + "/limits");
        }
    }

    private void rules(String role, boolean allow, JsonNode list, String pointer, List<PolicyRule> into) {
        if (list.isMissingNode() || list.isNull()) {
            return;
        }
        if (!list.isArray()) {
            if (list.isString() || list.isObject()) {
                rule(role, allow, list, pointer).ifPresent(into::add);
            } else {
                problem(
                        pointer,
                        pointer.substring(pointer.lastIndexOf('/') + 1) + " must be a list of tool patterns or rules");
            }
            return;
        }
        for (int i = 0; i < list.size(); i++) {
            rule(role, allow, list.get(i), pointer + "/" + i).ifPresent(into::add);
        }
    }

    private Optional<PolicyRule> rule(String role, boolean allow, JsonNode item, String pointer) {
        String source = lines.location(pointer);
        if (item.isString()) {
            Optional<Glob> glob = glob(item.asString(), pointer);
            return glob.map(
                    g -> new PolicyRule(role, allow, Optional.of(g), Optional.empty(), Optional.empty(), source));
        }
        if (!item.isObject()) {
            problem(pointer, "a rule is a tool pattern like \"payments.*\" or a mapping with tool, class and when");
            return Optional.empty();
        }
        Optional<Glob> tool = Optional.empty();
        if (item.has("tool")) {
            tool = glob(item.get("tool").asString(), pointer + "/tool");
            if (tool.isEmpty()) {
                return Optional.empty();
            }
        }
        Optional<ToolClass> toolClass = Optional.empty();
        if (item.has("class")) {
            String text = item.get("class").asString();
            toolClass = ToolClass.parse(text);
            if (toolClass.isEmpty()) {
                problem(
                        pointer + "/class",
                        "unknown tool class '" + text + "' (expected readOnly, destructive, idempotent or openWorld)");
                return Optional.empty();
            }
        }
        if (tool.isEmpty() && toolClass.isEmpty()) {
            problem(pointer, "a rule needs a tool pattern, a class, or both");
            return Optional.empty();
        }
        Optional<Condition> when = Optional.empty();
        if (item.has("when")) {
            JsonNode expression = item.get("when");
            if (!expression.isString() || expression.asString().isBlank()) {
                problem(pointer + "/when", "when must be a CEL expression such as \"args.amount <= 100\"");
                return Optional.empty();
            }
            try {
                when = Optional.of(Condition.compile(expression.asString()));
            } catch (IllegalArgumentException e) {
                problem(pointer + "/when", e.getMessage());
                return Optional.empty();
            }
        }
        return Optional.of(new PolicyRule(role, allow, tool, toolClass, when, source));
    }

    private Optional<Glob> glob(String pattern, String pointer) {
        if (pattern == null || pattern.isBlank()) {
            problem(pointer, "a tool pattern must not be empty");
            return Optional.empty();
        }
        if (!pattern.equals("*") && !pattern.contains(".")) {
            problem(
                    pointer,
                    "tool pattern '" + pattern + "' must name server.tool (e.g. payments.issueRefund or payments.*)");
            return Optional.empty();
        }
        return Optional.of(Glob.of(pattern));
    }

    private void roleLimits(String role, JsonNode node, String pointer) {
        if (node.isMissingNode() || node.isNull()) {
            return;
        }
        if (!node.isObject()) {
            problem(pointer, "limits must map tool patterns to rates, e.g. { \"crm.getAccount\": \"200/min\" }");
            return;
        }
        for (Map.Entry<String, JsonNode> e : node.properties()) {
            String p = pointer + "/" + key(e.getKey());
            Optional<Glob> glob = glob(e.getKey(), p);
            Optional<Rate> rate = rateOf(e.getValue(), p);
            if (glob.isPresent() && rate.isPresent()) {
                limits.add(new LimitRule(
                        "role " + role + " limit " + e.getKey() + " " + rate.get(),
                        LimitScope.AGENT_TOOL,
                        glob.get(),
                        rate.get(),
                        Optional.of(role),
                        lines.location(p)));
            }
        }
    }

    /** A rate written as {@code "10/min"} or as {@code {rate: "10/min", burst: 3}}. */
    private Optional<Rate> rateOf(JsonNode value, String pointer) {
        if (value.isString()) {
            try {
                return Optional.of(Rate.parse(value.asString()));
            } catch (IllegalArgumentException e) {
                problem(pointer, e.getMessage());
                return Optional.empty();
            }
        }
        if (value.isObject()) {
            return rateAndBurst(value, pointer);
        }
        problem(pointer, "a limit is a rate like \"200/min\" or a mapping with rate and burst");
        return Optional.empty();
    }

    private Optional<Rate> rateAndBurst(JsonNode value, String pointer) {
        if (!value.hasNonNull("rate")) {
            problem(pointer, "a limit needs a rate like \"200/min\"");
            return Optional.empty();
        }
        Rate rate;
        try {
            rate = Rate.parse(value.get("rate").asString());
        } catch (IllegalArgumentException e) {
            problem(pointer + "/rate", e.getMessage());
            return Optional.empty();
        }
        if (value.has("burst")) {
            JsonNode burst = value.get("burst");
            if (!burst.canConvertToLong() || burst.asLong() <= 0 || !burst.isIntegralNumber()) {
                problem(pointer + "/burst", "burst must be a positive whole number, got '" + burst.asString() + "'");
                return Optional.empty();
            }
            rate = rate.withBurst(burst.asLong());
        }
        return Optional.of(rate);
    }

    private void topLevelLimits(JsonNode node) {
        if (node.isMissingNode() || node.isNull()) {
            return;
        }
        if (!node.isArray()) {
            problem("/limits", "limits must be a list of { tool, per, rate, burst } entries");
            return;
        }
        for (int i = 0; i < node.size(); i++) {
            String p = "/limits/" + i;
            JsonNode item = node.get(i);
            if (!item.isObject()) {
                problem(p, "a limit is a mapping with tool, per, rate and optionally burst and name");
                continue;
            }
            String pattern = item.path("tool").asString("*");
            Optional<Glob> glob = glob(pattern, p + "/tool");
            LimitScope scope = LimitScope.AGENT_TOOL;
            if (item.has("per")) {
                Optional<LimitScope> parsed = LimitScope.parse(item.get("per").asString());
                if (parsed.isEmpty()) {
                    problem(
                            p + "/per",
                            "per must be agent-tool, agent, user or tool, got '"
                                    + item.get("per").asString() + "'");
                    continue;
                }
                scope = parsed.get();
            }
            Optional<Rate> rate = rateAndBurst(item, p);
            if (glob.isEmpty() || rate.isEmpty()) {
                continue;
            }
            String name = item.hasNonNull("name")
                    ? item.get("name").asString()
                    : "limit " + pattern + " " + rate.get() + " per " + scope.configName();
            limits.add(new LimitRule(name, scope, glob.get(), rate.get(), Optional.empty(), lines.location(p)));
        }
    }

    private void loopBreaker(JsonNode node) {
        if (node.isMissingNode() || node.isNull()) {
            return;
        }
        if (!node.isObject()) {
            problem("/loopBreaker", "loopBreaker must be a mapping with maxRepeats, window, coolDown and tools");
            return;
        }
        boolean enabled = true;
        if (node.has("enabled")) {
            if (!node.get("enabled").isBoolean()) {
                problem("/loopBreaker/enabled", "enabled must be true or false");
            }
            enabled = node.get("enabled").asBoolean(true);
        }
        LoopRule defaults = loopRule(node, "/loopBreaker", LoopRule.defaults());
        List<LoopBreakerSettings.ToolRule> tools = new ArrayList<>();
        JsonNode toolsNode = node.path("tools");
        if (!toolsNode.isMissingNode() && !toolsNode.isObject()) {
            problem("/loopBreaker/tools", "tools must map tool patterns to { maxRepeats, window, coolDown }");
        }
        for (Map.Entry<String, JsonNode> e : toolsNode.properties()) {
            String p = "/loopBreaker/tools/" + key(e.getKey());
            if (!e.getValue().isObject()) {
                problem(p, "a tool's loop breaker is a mapping with maxRepeats, window and coolDown");
                continue;
            }
            Optional<Glob> glob = glob(e.getKey(), p);
            LoopRule inherited =
                    new LoopRule(defaults.maxRepeats(), defaults.window(), defaults.coolDown(), lines.location(p));
            LoopRule rule = loopRule(e.getValue(), p, inherited);
            glob.ifPresent(g -> tools.add(new LoopBreakerSettings.ToolRule(g, rule)));
        }
        loopBreaker = new LoopBreakerSettings(enabled, defaults, tools);
    }

    private LoopRule loopRule(JsonNode node, String pointer, LoopRule fallback) {
        int maxRepeats = fallback.maxRepeats();
        if (node.has("maxRepeats")) {
            JsonNode n = node.get("maxRepeats");
            if (!n.isIntegralNumber() || n.asInt() < 0) {
                problem(
                        pointer + "/maxRepeats",
                        "maxRepeats must be a whole number ≥ 0 (0 turns the breaker off), got '" + n.asString() + "'");
            } else {
                maxRepeats = n.asInt();
            }
        }
        Duration window = duration(node, "window", pointer, fallback.window());
        boolean windowGiven = node.has("window");
        Duration coolDown = duration(
                node, "coolDown", pointer, windowGiven && !node.has("coolDown") ? window : fallback.coolDown());
        return new LoopRule(maxRepeats, window, coolDown, lines.location(pointer));
    }

    private Duration duration(JsonNode node, String field, String pointer, Duration fallback) {
        if (!node.has(field)) {
            return fallback;
        }
        try {
            Duration d = Durations.parse(node.get(field).asString());
            if (d.isZero()) {
                problem(pointer + "/" + field, field + " must be longer than zero");
                return fallback;
            }
            return d;
        } catch (IllegalArgumentException e) {
            problem(pointer + "/" + field, e.getMessage());
            return fallback;
        }
    }
}
