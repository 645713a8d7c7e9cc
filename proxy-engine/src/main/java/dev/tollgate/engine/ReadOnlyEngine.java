package dev.tollgate.engine;

import dev.tollgate.audit.AuditStore;
import dev.tollgate.audit.AuditStores;
import dev.tollgate.audit.AuditUnavailableException;
import dev.tollgate.events.EventBus;
import dev.tollgate.policy.PolicyControl;
import java.net.URI;
import java.util.List;
import java.util.Optional;

/**
 * An {@link Engine} over an audit store with no proxy running: for investigators who open a store
 * file to browse and replay history. No events arrive, no policy can be edited.
 */
public final class ReadOnlyEngine implements Engine {
    private final AuditStore store;
    private final EventBus events = new EventBus(16);

    public ReadOnlyEngine(AuditStore store) {
        this.store = store;
    }

    /** Opens an existing store (an H2 file or a PostgreSQL URL) for browsing; fails when there is none. */
    public static ReadOnlyEngine open(String jdbcUrl) throws AuditUnavailableException {
        return new ReadOnlyEngine(AuditStores.openExisting(jdbcUrl));
    }

    @Override
    public Optional<URI> endpoint() {
        return Optional.empty();
    }

    @Override
    public EventBus events() {
        return events;
    }

    @Override
    public AuditStore audit() {
        return store;
    }

    @Override
    public Optional<PolicyControl> policy() {
        return Optional.empty();
    }

    @Override
    public List<UpstreamStatus> upstreams() {
        return List.of();
    }

    @Override
    public void close() {
        events.close();
        store.close();
    }
}
