package dev.tollgate.policy;

import dev.tollgate.pipeline.ToolAnnotations;
import dev.tollgate.pipeline.ToolRef;
import java.util.Optional;

/**
 * One allow or deny entry of a role: a tool glob and/or a tool class, optionally narrowed by a CEL
 * condition. {@code source} is the {@code file:line} it was written at.
 */
public record PolicyRule(
        String role,
        boolean allow,
        Optional<Glob> tool,
        Optional<ToolClass> toolClass,
        Optional<Condition> when,
        String source) {

    /** An allow that names one tool exactly, the only kind that overrides a class deny. */
    public boolean isExactAllow() {
        return allow
                && toolClass.isEmpty()
                && tool.isPresent()
                && !tool.get().pattern().contains("*");
    }

    /** A deny that is about a class of tools (it may still be narrowed by a name glob). */
    public boolean isClassDeny() {
        return !allow && toolClass.isPresent();
    }

    /** Whether the rule is about this tool, before looking at its condition. */
    public boolean targets(ToolRef ref, ToolAnnotations annotations) {
        return targets(ref.qualified(), annotations);
    }

    /** As {@link #targets(ToolRef, ToolAnnotations)} for a {@code server.tool} name already at hand. */
    public boolean targets(String qualifiedTool, ToolAnnotations annotations) {
        return (tool.isEmpty() || tool.get().matches(qualifiedTool))
                && (toolClass.isEmpty() || toolClass.get().matches(annotations));
    }

    /** How decisions and the audit record name the rule, e.g. {@code role billing deny payments.issueRefund}. */
    public String describe() {
        StringBuilder s = new StringBuilder("role ").append(role).append(allow ? " allow " : " deny ");
        tool.ifPresent(g -> s.append(g.pattern()));
        toolClass.ifPresent(
                c -> s.append(tool.isPresent() ? " " : "").append("class ").append(c.configName()));
        when.ifPresent(c -> s.append(" when ").append(c.expression()));
        return s.toString();
    }
}
