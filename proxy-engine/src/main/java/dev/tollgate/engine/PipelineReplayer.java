package dev.tollgate.engine;

import dev.tollgate.audit.AuditRecord;
import dev.tollgate.audit.AuditStore;
import dev.tollgate.audit.Redactor;
import dev.tollgate.gateway.ProtocolVersions;
import dev.tollgate.identity.AgentIdentity;
import dev.tollgate.identity.Credentials;
import dev.tollgate.json.Json;
import dev.tollgate.pipeline.AgentChannel;
import dev.tollgate.pipeline.CallContext;
import dev.tollgate.pipeline.CallOutcome;
import dev.tollgate.pipeline.CallSnapshot;
import dev.tollgate.pipeline.Interceptor;
import dev.tollgate.pipeline.Pipeline;
import dev.tollgate.pipeline.ToolAnnotations;
import dev.tollgate.pipeline.ToolCall;
import dev.tollgate.pipeline.ToolRef;
import dev.tollgate.policy.PolicyHolder;
import dev.tollgate.upstream.UpstreamAuth;
import dev.tollgate.upstream.UpstreamRegistry;
import dev.tollgate.upstream.UpstreamTool;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;
import tools.jackson.databind.JsonNode;

/**
 * Re-sends recorded calls through the engine's replay chain (the governing chain with a built-in identity),
 * counting each against the original agent's rate limits and loop breaker.
 */
final class PipelineReplayer implements CallReplayer {
    private final Pipeline chain;
    /** The original agent of each re-send in flight, by call id, for the rate limit and loop breaker. */
    private final Map<String, AgentIdentity> originals = new ConcurrentHashMap<>();

    private final PolicyHolder policy;
    private final UpstreamRegistry upstreams;
    private final AuditStore audit;
    private final Duration timeout;

    /** {@code observer} (telemetry) goes in front of the replay chain, as in front of the agents' chains. */
    PipelineReplayer(
            Chains.Links links,
            Supplier<CallSnapshot> snapshots,
            Optional<Interceptor> observer,
            PolicyHolder policy,
            UpstreamRegistry upstreams,
            AuditStore audit,
            Duration timeout) {
        this.chain = Chains.observed(
                Chains.replay(links, snapshots, call -> Optional.ofNullable(originals.get(call.callId()))),
                observer,
                snapshots);
        this.policy = policy;
        this.upstreams = upstreams;
        this.audit = audit;
        this.timeout = timeout;
    }

    @Override
    public Resent resend(AuditRecord record) {
        if (containsRedacted(record.arguments())) {
            throw new ResendRefusedException("The recorded arguments of " + record.qualifiedTool()
                    + " contain a redacted value, so the call cannot be re-sent as it was made.");
        }
        AgentIdentity original = policy.get()
                .agent(record.agentId())
                .orElseThrow(() -> new ResendRefusedException(
                        "Agent " + record.agentId() + " is not configured in this Tollgate, so the roles to re-send "
                                + record.qualifiedTool() + " under are unknown."));
        AgentIdentity replay = replayOf(original);
        ToolRef ref = new ToolRef(record.server(), record.tool());
        String sessionId = "replay-" + UUID.randomUUID();
        ToolCall call = new ToolCall(
                UUID.randomUUID().toString(),
                Instant.now(),
                sessionId,
                Credentials.NONE,
                Optional.of(replay),
                Optional.empty(),
                ref,
                record.arguments().deepCopy(),
                upstreams.tool(ref).map(UpstreamTool::annotations).orElse(ToolAnnotations.NONE),
                record.conversationId(),
                Json.object(),
                UpstreamAuth.NONE);
        CallOutcome outcome;
        originals.put(call.callId(), original);
        try {
            outcome = chain.execute(call, new CallContext(ProtocolVersions.LATEST, AgentChannel.DISCARD, timeout));
        } finally {
            originals.remove(call.callId());
        }
        Optional<Long> auditId =
                outcome.auditId().isPresent() ? Optional.of(outcome.auditId().getAsLong()) : Optional.empty();
        return new Resent(outcome, auditId);
    }

    private static AgentIdentity replayOf(AgentIdentity original) {
        return new AgentIdentity(AGENT_ID, original.roles(), "replay of " + original.agentId());
    }

    @Override
    public Optional<ToolAnnotations> annotations(AuditRecord record) {
        return upstreams.tool(new ToolRef(record.server(), record.tool())).map(UpstreamTool::annotations);
    }

    private static boolean containsRedacted(JsonNode node) {
        if (node.isString()) {
            return Redactor.MASK.equals(node.asString());
        }
        for (JsonNode child : node) {
            if (containsRedacted(child)) {
                return true;
            }
        }
        return false;
    }
}
