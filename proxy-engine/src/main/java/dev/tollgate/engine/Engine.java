package dev.tollgate.engine;

import dev.tollgate.approval.ApprovalDesk;
import dev.tollgate.audit.AuditStore;
import dev.tollgate.events.EventBus;
import dev.tollgate.pinning.ToolPins;
import dev.tollgate.policy.PolicyControl;
import dev.tollgate.ratelimit.BucketLevel;
import dev.tollgate.shadow.ShadowControl;
import java.net.URI;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/** What the desktop app and the command line see of a running Tollgate, or of an audit store opened read-only. */
public interface Engine extends AutoCloseable {
    /** The agent-facing endpoint ({@code http://127.0.0.1:PORT/mcp}); empty when opened read-only. */
    Optional<URI> endpoint();

    /** The admin listener of the remote instance this watches ({@code tollgate ui --connect}); empty when local. */
    default Optional<URI> remote() {
        return Optional.empty();
    }

    EventBus events();

    AuditStore audit();

    /** Policy editing and preview; empty when read-only without a configuration. */
    Optional<PolicyControl> policy();

    List<UpstreamStatus> upstreams();

    /** Re-sends recorded calls through the governing chain; empty when no proxy is running (read-only store). */
    default Optional<CallReplayer> replayer() {
        return Optional.empty();
    }

    /** The pinned tool definitions of a running proxy; empty when read-only. */
    default Optional<ToolPins> pins() {
        return Optional.empty();
    }

    /** The calls a running proxy holds for a person's approval; empty when read-only. */
    default Optional<ApprovalDesk> approvals() {
        return Optional.empty();
    }

    /** The shadow candidate a running proxy evaluates on every call; empty when there is none or read-only. */
    default Optional<ShadowControl> shadow() {
        return Optional.empty();
    }

    /**
     * The rate-limit buckets this agent's latest limited call to this tool drew from, with how full each was; empty
     * when read-only, remote, or before such a call.
     */
    default List<BucketLevel> limitLevels(String agentId, String tool) {
        return List.of();
    }

    /** Where conversation transcripts are read from (beside the configuration file); empty without one. */
    default Optional<Path> transcripts() {
        return Optional.empty();
    }

    @Override
    void close();
}
