package dev.tollgate.engine;

import dev.tollgate.audit.AuditRecord;
import dev.tollgate.pipeline.CallOutcome;
import dev.tollgate.pipeline.ToolAnnotations;
import java.util.Optional;

/**
 * Re-sends recorded tool calls to their servers through the engine's governing chain, so a re-sent call is
 * decided by the policy in force, rate-limited and audited like any other call.
 *
 * <p>A re-sent call runs as the built-in agent {@value #AGENT_ID} holding the roles the original agent has in the
 * configuration now: policy still applies as it would to that agent, and the call counts against that agent's
 * rate limits and loop breaker (a re-send cannot get past a limit or a tripped breaker), while the audit trail
 * shows the call was a replay. The original conversation id is kept; the call gets a fresh call id and session.
 */
public interface CallReplayer {
    /** The agent id re-sent calls are recorded under. */
    String AGENT_ID = "tollgate-replay";

    /**
     * Re-sends the recorded {@code server.tool} with the recorded arguments and waits for the outcome.
     *
     * @throws ResendRefusedException when the call cannot be re-sent faithfully: its recorded arguments hold a
     *     redacted value, or its agent is not (or no longer) configured, so its roles are unknown
     */
    Resent resend(AuditRecord record);

    /** What the tool's server declares about it now; empty when the server does not list the tool (or is down). */
    Optional<ToolAnnotations> annotations(AuditRecord record);

    /** A re-sent call's outcome and the id of the audit record it produced, when it could be found. */
    record Resent(CallOutcome outcome, Optional<Long> auditRecordId) {}
}
