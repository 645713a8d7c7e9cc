package dev.tollgate.ui.limits;

import dev.tollgate.config.ConfigLoader;
import dev.tollgate.identity.AgentIdentity;
import dev.tollgate.policy.CompiledPolicy;
import dev.tollgate.ratelimit.LimitRule;
import dev.tollgate.ratelimit.Rate;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.OptionalDouble;

/** The configured rate limits, read from the policy text, as a calls-per-second line for one agent and tool. */
public final class ConfiguredLimits {
    private final Optional<CompiledPolicy> policy;

    private ConfiguredLimits(Optional<CompiledPolicy> policy) {
        this.policy = policy;
    }

    public static ConfiguredLimits none() {
        return new ConfiguredLimits(Optional.empty());
    }

    /** Compiles the policy text; a text that does not compile yields no limit lines rather than an error. */
    public static ConfiguredLimits from(String policyText) {
        try {
            return new ConfiguredLimits(
                    Optional.of(CompiledPolicy.from(new ConfigLoader().parse("policy", policyText))));
        } catch (RuntimeException e) {
            return none();
        }
    }

    /** The tightest limit binding this agent's calls to this tool, in calls per second. */
    public OptionalDouble perSecond(String agentId, String tool) {
        return tightest(agentId, tool).map(l -> OptionalDouble.of(perSecond(l))).orElse(OptionalDouble.empty());
    }

    /** That limit's rate (count per period), for charting in the limit's own unit. */
    public Optional<Rate> rate(String agentId, String tool) {
        return tightest(agentId, tool).map(LimitRule::rate);
    }

    /** That limit's name, as blocked calls cite it and the engine reports its bucket. */
    public Optional<String> name(String agentId, String tool) {
        return tightest(agentId, tool).map(LimitRule::name);
    }

    /** The name of that limit with its rate, for the chart legend. */
    public Optional<String> describe(String agentId, String tool) {
        return tightest(agentId, tool)
                .map(l -> l.name().endsWith(l.rate().toString()) ? l.name() : l.name() + " " + l.rate());
    }

    private Optional<LimitRule> tightest(String agentId, String tool) {
        if (policy.isEmpty()) {
            return Optional.empty();
        }
        List<String> roles =
                policy.get().agent(agentId).map(AgentIdentity::roles).orElse(List.of());
        return policy.get().limits().stream()
                .filter(l ->
                        l.tool().matches(tool) && l.role().map(roles::contains).orElse(true))
                .min(Comparator.comparingDouble(ConfiguredLimits::perSecond));
    }

    private static double perSecond(LimitRule rule) {
        return rule.rate().count() / (rule.rate().period().toNanos() / 1e9);
    }
}
