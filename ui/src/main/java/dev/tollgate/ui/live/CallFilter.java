package dev.tollgate.ui.live;

import dev.tollgate.audit.AuditQuery;
import dev.tollgate.audit.AuditRecord;
import dev.tollgate.policy.Glob;
import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * A parsed timeline filter: field globs, decision/status, a latency bound, a time range ({@code from}
 * inclusive, {@code to} exclusive) and free-text words. It both tests live records in memory and narrows
 * store queries, so the table shows the same rows either way.
 */
public record CallFilter(
        Optional<Glob> agent,
        Optional<Glob> user,
        Optional<Glob> tool,
        Optional<Glob> session,
        Optional<Glob> conversation,
        Optional<String> decision,
        Optional<String> status,
        Optional<Double> minLatencyMs,
        Optional<Double> maxLatencyMs,
        Optional<Instant> from,
        Optional<Instant> to,
        List<String> words) {

    public static final CallFilter NONE = new CallFilter(
            Optional.empty(),
            Optional.empty(),
            Optional.empty(),
            Optional.empty(),
            Optional.empty(),
            Optional.empty(),
            Optional.empty(),
            Optional.empty(),
            Optional.empty(),
            Optional.empty(),
            Optional.empty(),
            List.of());

    public CallFilter {
        words = List.copyOf(words);
    }

    public boolean isEmpty() {
        return equals(NONE);
    }

    public boolean test(AuditRecord r) {
        return matches(agent, r.agentId())
                && (user.isEmpty() || r.user().map(u -> user.get().matches(u)).orElse(false))
                && matches(tool, r.qualifiedTool())
                && matches(session, r.sessionId())
                && (conversation.isEmpty()
                        || r.conversationId()
                                .map(c -> conversation.get().matches(c))
                                .orElse(false))
                && decision.map(d -> d.equals(r.decision())).orElse(true)
                && status.map(s -> s.equals(r.status())).orElse(true)
                && minLatencyMs.map(min -> r.latencyMs() > min).orElse(true)
                && maxLatencyMs.map(max -> r.latencyMs() < max).orElse(true)
                && from.map(f -> !r.timestamp().isBefore(f)).orElse(true)
                && to.map(t -> r.timestamp().isBefore(t)).orElse(true)
                && words.stream().allMatch(w -> haystack(r).contains(w.toLowerCase(Locale.ROOT)));
    }

    /**
     * The store query that returns a superset of the matching records: exact fields and the first word go
     * to the store, the rest (globs the store cannot take, latency) is re-checked with {@link #test}.
     */
    public AuditQuery.Builder toQuery() {
        AuditQuery.Builder q = AuditQuery.builder();
        exact(agent).ifPresent(q::agent);
        exact(user).ifPresent(q::user);
        exact(session).ifPresent(q::session);
        exact(conversation).ifPresent(q::conversation);
        tool.ifPresent(t -> q.tool(t.pattern()));
        decision.ifPresent(q::decision);
        status.ifPresent(q::status);
        from.ifPresent(q::from);
        to.ifPresent(q::to);
        if (!words.isEmpty()) {
            q.text(words.get(0));
        }
        return q;
    }

    /** Whether {@link #toQuery} selects exactly the matching records (no glob, latency or second word left over). */
    public boolean exactInStore() {
        return exact(agent).isPresent() == agent.isPresent()
                && exact(user).isPresent() == user.isPresent()
                && exact(session).isPresent() == session.isPresent()
                && exact(conversation).isPresent() == conversation.isPresent()
                && minLatencyMs.isEmpty()
                && maxLatencyMs.isEmpty()
                && words.size() <= 1;
    }

    private static Optional<String> exact(Optional<Glob> glob) {
        return glob.map(Glob::pattern).filter(p -> !p.contains("*"));
    }

    private static boolean matches(Optional<Glob> glob, String value) {
        return glob.isEmpty() || glob.get().matches(value);
    }

    private static String haystack(AuditRecord r) {
        StringBuilder sb = new StringBuilder(256);
        sb.append(r.agentId())
                .append(' ')
                .append(r.qualifiedTool())
                .append(' ')
                .append(r.sessionId())
                .append(' ')
                .append(r.rule())
                .append(' ')
                .append(r.reason())
                .append(' ')
                .append(r.status())
                .append(' ')
                .append(r.decision())
                .append(' ');
        r.user().ifPresent(u -> sb.append(u).append(' '));
        r.conversationId().ifPresent(c -> sb.append(c).append(' '));
        sb.append(r.arguments());
        r.result().ifPresent(res -> sb.append(' ').append(res));
        return sb.toString().toLowerCase(Locale.ROOT);
    }
}
