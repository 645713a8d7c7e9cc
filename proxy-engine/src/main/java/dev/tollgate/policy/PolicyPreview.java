package dev.tollgate.policy;

import dev.tollgate.audit.AuditQuery;
import dev.tollgate.audit.AuditRecord;
import dev.tollgate.audit.AuditStore;
import dev.tollgate.history.CallLedger;
import dev.tollgate.identity.Credentials;
import dev.tollgate.identity.UserIdentity;
import dev.tollgate.json.Json;
import dev.tollgate.pipeline.BlockReason;
import dev.tollgate.pipeline.Decision;
import dev.tollgate.pipeline.ToolAnnotations;
import dev.tollgate.pipeline.ToolCall;
import dev.tollgate.pipeline.ToolRef;
import dev.tollgate.upstream.UpstreamAuth;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Consumer;
import java.util.function.Function;

/**
 * Replays recorded calls through a candidate policy, independent of any running engine: the role rules
 * and conditions, and the rate limits and loop breaker simulated on the recorded timestamps with fresh
 * buckets, and session and conversation conditions over the calls the candidate itself would have let through
 * since the start of the range. Reports which decisions would flip. Calls blocked for reasons a policy cannot change
 * (authentication, unknown tool, audit or upstream unavailable) are counted but never reported as changed.
 */
public final class PolicyPreview {
    public static final int DEFAULT_SAMPLE = 200;
    private static final Set<String> OUTSIDE_POLICY = Set.of(
            BlockReason.AUTHENTICATION.name(),
            BlockReason.UNKNOWN_TOOL.name(),
            BlockReason.AUDIT_UNAVAILABLE.name(),
            BlockReason.UPSTREAM_UNAVAILABLE.name(),
            BlockReason.PROTOCOL.name());
    private static final Set<String> OUTSIDE_POLICY_RULES =
            Set.of("identity", "audit store", "unknown tool", "pinning");

    private final CompiledPolicy candidate;
    private final Function<ToolRef, ToolAnnotations> annotations;
    private final int sampleLimit;

    /**
     * @param annotations what each tool's server declares (the audit record does not keep it); tools
     *                    unknown to the caller get MCP's defaults, {@link ToolAnnotations#NONE}
     */
    public PolicyPreview(CompiledPolicy candidate, Function<ToolRef, ToolAnnotations> annotations, int sampleLimit) {
        this.candidate = candidate;
        this.annotations = annotations;
        this.sampleLimit = sampleLimit;
    }

    /** Streams the store's records in the range through the candidate. */
    public PreviewReport run(AuditStore store, AuditQuery range) {
        Run run = new Run();
        store.scan(range, run);
        return run.finish();
    }

    /** One pass over records in time order; feed it with {@link #accept} and read the report at the end. */
    public final class Run implements Consumer<AuditRecord> {
        private final long started = System.nanoTime();
        private final CandidateDecider decider = new CandidateDecider();
        private final CallLedger history = new CallLedger(CallLedger.NO_SEED, Integer.MAX_VALUE);
        private final Map<String, long[]> counts = new HashMap<>();
        private final List<PreviewReport.ChangedCall> sample = new ArrayList<>();
        private long evaluated;
        private long allowedToBlocked;
        private long blockedToAllowed;

        @Override
        public void accept(AuditRecord record) {
            boolean wasBlocked = record.blocked();
            if (!wasBlocked && !"allowed".equals(record.decision())) {
                return;
            }
            evaluated++;
            if (wasBlocked && outsidePolicy(record)) {
                return;
            }
            Decision now = decide(record);
            if (now.isBlocked() == wasBlocked) {
                return;
            }
            long[] pair =
                    counts.computeIfAbsent(record.agentId() + "\u0000" + record.qualifiedTool(), k -> new long[2]);
            if (wasBlocked) {
                blockedToAllowed++;
                pair[1]++;
            } else {
                allowedToBlocked++;
                pair[0]++;
            }
            if (sample.size() < sampleLimit) {
                sample.add(new PreviewReport.ChangedCall(
                        record.id(),
                        record.timestamp(),
                        record.agentId(),
                        record.qualifiedTool(),
                        record.decision(),
                        now.verdict().wire(),
                        now.rule()));
            }
        }

        /**
         * Blocked before policy had a say (no identity, a link that is not about rules or limits), or after it by a
         * person's denial, which no candidate can replay.
         */
        private boolean outsidePolicy(AuditRecord record) {
            String agent = record.agentId();
            return agent == null
                    || agent.isBlank()
                    || "anonymous".equals(agent)
                    || OUTSIDE_POLICY_RULES.contains(record.rule())
                    || record.rule().contains(" approve ")
                    || OUTSIDE_POLICY.contains(record.reason().toUpperCase(Locale.ROOT));
        }

        private Decision decide(AuditRecord record) {
            ToolRef tool = new ToolRef(record.server(), record.tool());
            var agent = candidate.agent(record.agentId());
            if (agent.isEmpty()) {
                return Decision.blocked(
                        BlockReason.AUTHENTICATION,
                        "unknown agent",
                        Optional.empty(),
                        "agent " + record.agentId() + " is not in the candidate configuration");
            }
            ToolCall call = new ToolCall(
                    "audit-" + record.id(),
                    record.timestamp(),
                    record.sessionId(),
                    Credentials.NONE,
                    agent,
                    record.user().map(u -> new UserIdentity(u, List.of(), List.of())),
                    tool,
                    record.arguments() == null ? Json.object() : record.arguments(),
                    annotations.apply(tool),
                    record.conversationId(),
                    Json.object(),
                    UpstreamAuth.NONE);
            Decision decision = decider.decide(candidate, call, history, record.timestamp());
            if (!decision.isBlocked()) {
                history.record(call.sessionId(), call.conversationId(), tool.qualified(), call.arguments());
            }
            return decision;
        }

        public PreviewReport finish() {
            List<PreviewReport.ChangeCount> perTool = new ArrayList<>();
            counts.forEach((key, pair) -> {
                int split = key.indexOf('\u0000');
                perTool.add(new PreviewReport.ChangeCount(
                        key.substring(0, split), key.substring(split + 1), pair[0], pair[1]));
            });
            perTool.sort(Comparator.comparing(PreviewReport.ChangeCount::agentId)
                    .thenComparing(PreviewReport.ChangeCount::tool));
            return new PreviewReport(
                    evaluated,
                    allowedToBlocked,
                    blockedToAllowed,
                    perTool,
                    sample,
                    Duration.ofNanos(System.nanoTime() - started));
        }
    }

    /** Starts a pass for callers that stream records themselves. */
    public Run start() {
        return new Run();
    }
}
