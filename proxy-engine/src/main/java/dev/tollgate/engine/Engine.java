package dev.tollgate.engine;

import dev.tollgate.audit.AuditStore;
import dev.tollgate.events.EventBus;
import dev.tollgate.policy.PolicyControl;
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

    /** Where conversation transcripts are read from (beside the configuration file); empty without one. */
    default Optional<Path> transcripts() {
        return Optional.empty();
    }

    @Override
    void close();
}
