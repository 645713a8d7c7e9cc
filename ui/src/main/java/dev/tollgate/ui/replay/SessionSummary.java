package dev.tollgate.ui.replay;

import java.time.Instant;
import java.util.Locale;
import java.util.Set;

/** A conversation (or, when the agent sent no conversation id, an MCP session) to replay. */
public record SessionSummary(
        Kind kind,
        String id,
        Set<String> agents,
        Set<String> users,
        Instant first,
        Instant last,
        long calls,
        long blocked,
        long turns) {
    /** Whether the id is a conversation id or an MCP session id. */
    public enum Kind {
        CONVERSATION,
        SESSION
    }

    public SessionSummary {
        agents = Set.copyOf(agents);
        users = Set.copyOf(users);
    }

    /** The text the session search matches against: ids, agents, users and times. */
    public String searchText() {
        return (kind + " " + id + " " + String.join(" ", agents) + " " + String.join(" ", users) + " " + first + " "
                        + last)
                .toLowerCase(Locale.ROOT);
    }
}
