package dev.tollgate.upstream;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The state listeners of one upstream connection; a failing listener is logged and never stops the others. */
final class StateListeners {
    private static final Logger LOG = LoggerFactory.getLogger(StateListeners.class);

    private final String server;
    private final List<UpstreamStateListener> listeners = new CopyOnWriteArrayList<>();

    StateListeners(String server) {
        this.server = server;
    }

    void add(UpstreamStateListener listener) {
        listeners.add(listener);
    }

    void fire(UpstreamState state, String detail) {
        for (UpstreamStateListener l : listeners) {
            try {
                l.stateChanged(server, state, detail);
            } catch (RuntimeException e) {
                LOG.warn("state listener for upstream '{}' failed", server, e);
            }
        }
    }
}
