package dev.tollgate.policy;

import dev.tollgate.config.ConfigException;
import dev.tollgate.config.SourceMap;
import dev.tollgate.config.TollgateConfig;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import tools.jackson.databind.JsonNode;

/**
 * Names the policy uses that the file never defines: an agent's role with no {@code roles} entry (the agent
 * silently gets nothing) and a tool pattern whose server is not under {@code servers}. Each is a
 * {@code file:line} problem. With the tool lists the servers offered when last seen (the pinning lock file keeps
 * them), a pattern naming a tool its server does not offer is one too.
 */
public final class PolicyReferences {
    private PolicyReferences() {}

    /** Undefined roles and unknown servers, in file order. */
    public static List<ConfigException> check(TollgateConfig config) {
        return check(config, Map.of());
    }

    /**
     * Also unknown tools: {@code knownTools} maps a server to the tool names it offered when last seen; servers it
     * does not list are not checked for tools.
     */
    public static List<ConfigException> check(TollgateConfig config, Map<String, Set<String>> knownTools) {
        SourceMap lines = config.sourceMap();
        JsonNode root = config.root();
        List<ConfigException> problems = new ArrayList<>();
        Set<String> roles = new TreeSet<>();
        root.path("roles").properties().forEach(e -> roles.add(e.getKey()));
        for (Map.Entry<String, JsonNode> agent : root.path("agents").properties()) {
            roleNames(
                    agent.getValue().path("roles"),
                    "/agents/" + key(agent.getKey()) + "/roles",
                    "agent '" + agent.getKey() + "'",
                    roles,
                    lines,
                    problems);
        }
        for (Map.Entry<String, JsonNode> agent :
                root.path("identity").path("jwt").path("agents").properties()) {
            roleNames(
                    agent.getValue().path("roles"),
                    "/identity/jwt/agents/" + key(agent.getKey()) + "/roles",
                    "JWT agent '" + agent.getKey() + "'",
                    roles,
                    lines,
                    problems);
        }
        JsonNode servers = root.path("servers");
        if (servers.isObject() && !servers.isEmpty()) {
            Set<String> serverNames = new TreeSet<>();
            servers.properties().forEach(e -> serverNames.add(e.getKey()));
            new Patterns(serverNames, knownTools, lines, problems).all(root);
        }
        problems.sort(Comparator.comparingInt(ConfigException::line));
        return problems;
    }

    private static void roleNames(
            JsonNode list,
            String pointer,
            String who,
            Set<String> roles,
            SourceMap lines,
            List<ConfigException> problems) {
        if (list.isString()) {
            role(list.asString(), pointer, who, roles, lines, problems);
        }
        for (int i = 0; list.isArray() && i < list.size(); i++) {
            role(list.get(i).asString(), pointer + "/" + i, who, roles, lines, problems);
        }
    }

    private static void role(
            String name,
            String pointer,
            String who,
            Set<String> roles,
            SourceMap lines,
            List<ConfigException> problems) {
        if (!roles.contains(name)) {
            problems.add(lines.error(
                    pointer,
                    who + " has role '" + name + "', which is not defined under roles"
                            + (roles.isEmpty() ? "" : " (defined: " + String.join(", ", roles) + ")")));
        }
    }

    private static String key(String name) {
        return name.replace("~", "~0").replace("/", "~1");
    }

    /** Walks every tool pattern of the policy sections and checks the server it names. */
    private record Patterns(
            Set<String> servers, Map<String, Set<String>> knownTools, SourceMap lines, List<ConfigException> problems) {
        void all(JsonNode root) {
            for (Map.Entry<String, JsonNode> role : root.path("roles").properties()) {
                String p = "/roles/" + key(role.getKey());
                rules(role.getValue().path("allow"), p + "/allow");
                rules(role.getValue().path("deny"), p + "/deny");
                role.getValue()
                        .path("limits")
                        .properties()
                        .forEach(e -> pattern(e.getKey(), p + "/limits/" + key(e.getKey())));
            }
            JsonNode limits = root.path("limits");
            for (int i = 0; limits.isArray() && i < limits.size(); i++) {
                JsonNode tool = limits.get(i).path("tool");
                if (tool.isString()) {
                    pattern(tool.asString(), "/limits/" + i + "/tool");
                }
            }
            root.path("loopBreaker")
                    .path("tools")
                    .properties()
                    .forEach(e -> pattern(e.getKey(), "/loopBreaker/tools/" + key(e.getKey())));
        }

        private void rules(JsonNode list, String pointer) {
            if (list.isString() || list.isObject()) {
                rule(list, pointer);
            }
            for (int i = 0; list.isArray() && i < list.size(); i++) {
                rule(list.get(i), pointer + "/" + i);
            }
        }

        private void rule(JsonNode item, String pointer) {
            if (item.isString()) {
                pattern(item.asString(), pointer);
            } else if (item.path("tool").isString()) {
                pattern(item.path("tool").asString(), pointer + "/tool");
            }
        }

        private void pattern(String pattern, String pointer) {
            int dot = pattern.indexOf('.');
            if (dot <= 0) {
                return;
            }
            String server = pattern.substring(0, dot);
            if (server.contains("*")) {
                return;
            }
            if (!servers.contains(server)) {
                problems.add(lines.error(
                        pointer,
                        "tool pattern '" + pattern + "' names server '" + server
                                + "', which is not defined under servers (defined: " + String.join(", ", servers)
                                + ")"));
                return;
            }
            String tool = pattern.substring(dot + 1);
            Set<String> offered = knownTools.getOrDefault(server, Set.of());
            if (!tool.contains("*") && !offered.isEmpty() && !offered.contains(tool)) {
                problems.add(lines.error(
                        pointer,
                        "tool pattern '" + pattern + "' names tool '" + tool + "', which server '" + server
                                + "' did not offer when last seen (it offered: "
                                + String.join(", ", new TreeSet<>(offered))
                                + ")"));
            }
        }
    }
}
