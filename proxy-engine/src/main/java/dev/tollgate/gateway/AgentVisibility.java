package dev.tollgate.gateway;

import dev.tollgate.identity.AgentIdentity;
import dev.tollgate.identity.Authenticator;
import dev.tollgate.policy.Policy;
import dev.tollgate.session.AgentSession;
import dev.tollgate.upstream.UpstreamRegistry;
import dev.tollgate.upstream.UpstreamTool;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.function.Supplier;

/** Decides, per agent session and under the policy in force, which upstream tools and servers the agent sees. */
final class AgentVisibility {
    private final Supplier<Policy> policy;
    private final Optional<Supplier<Authenticator>> authenticator;
    private final UpstreamRegistry upstreams;
    private final NameScheme names;

    /** A tool the agent may see, with the name it is exposed under. */
    record ListedTool(String name, UpstreamTool tool) {}

    AgentVisibility(
            Supplier<Policy> policy,
            Optional<Supplier<Authenticator>> authenticator,
            UpstreamRegistry upstreams,
            NameScheme names) {
        this.policy = policy;
        this.authenticator = authenticator;
        this.upstreams = upstreams;
        this.names = names;
    }

    /**
     * Who the session's agent is now: its roles may have changed with a reloaded configuration since the
     * session opened. Credentials that no longer authenticate see nothing.
     */
    private AgentIdentity currentAgent(AgentSession session) {
        if (authenticator.isEmpty()) {
            return session.agent();
        }
        Authenticator.AuthResult result = authenticator.get().get().authenticate(session.credentials());
        if (result instanceof Authenticator.AuthResult.Authenticated authenticated
                && authenticated.identity().agentId().equals(session.agent().agentId())) {
            return authenticated.identity();
        }
        return new AgentIdentity(session.agent().agentId(), List.of(), "refused");
    }

    List<String> servers() {
        return List.copyOf(upstreams.serverNames());
    }

    List<ListedTool> visibleTools(AgentSession session) {
        Policy current = policy.get();
        AgentIdentity agent = currentAgent(session);
        List<ListedTool> out = new ArrayList<>();
        for (UpstreamTool tool : upstreams.tools()) {
            if (!tool.name().isEmpty() && current.visible(agent, tool.ref(), tool.annotations())) {
                out.add(new ListedTool(names.name(tool.server(), tool.name()), tool));
            }
        }
        return out;
    }

    Set<String> visibleToolNames(AgentSession session) {
        Set<String> out = new LinkedHashSet<>();
        visibleTools(session).forEach(t -> out.add(t.name()));
        return out;
    }

    /** An agent sees a server's resources and prompts when policy lets it see at least one of its tools. */
    boolean serverVisible(AgentSession session, String server) {
        Policy current = policy.get();
        AgentIdentity agent = currentAgent(session);
        for (UpstreamTool tool : upstreams.tools(server)) {
            if (!tool.name().isEmpty() && current.visible(agent, tool.ref(), tool.annotations())) {
                return true;
            }
        }
        return false;
    }

    /** The servers that own the given exposed tool names. */
    Set<String> serversOf(Set<String> toolNames) {
        Set<String> out = new HashSet<>();
        for (String name : toolNames) {
            names.parse(name, servers()).ifPresent(ref -> out.add(ref.server()));
        }
        return out;
    }
}
