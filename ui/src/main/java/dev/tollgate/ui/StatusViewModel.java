package dev.tollgate.ui;

import dev.tollgate.audit.AuditStore;
import dev.tollgate.engine.Engine;
import dev.tollgate.events.EngineEvent;
import dev.tollgate.ui.fx.Background;
import dev.tollgate.ui.fx.RateMeter;
import java.time.Instant;
import java.util.List;
import java.util.Locale;
import javafx.beans.property.ReadOnlyStringProperty;
import javafx.beans.property.ReadOnlyStringWrapper;

/** The status bar: proxy address and state, calls and blocked calls per second, audit store path and size. */
public final class StatusViewModel {
    private final Engine engine;
    private final Background background;
    private final RateMeter calls = new RateMeter();
    private final RateMeter blocked = new RateMeter();
    private final ReadOnlyStringWrapper proxy = new ReadOnlyStringWrapper();
    private final ReadOnlyStringWrapper rates = new ReadOnlyStringWrapper("0 calls/s · 0 blocked/s");
    private final ReadOnlyStringWrapper store = new ReadOnlyStringWrapper();
    private String lastPolicyEvent = "";
    private volatile String storeDown = "";
    private final java.util.Map<String, String> upstreamStates = new java.util.TreeMap<>();

    public StatusViewModel(Engine engine, Background background) {
        this.engine = engine;
        this.background = background;
        engine.upstreams().forEach(u -> upstreamStates.put(u.server(), u.state()));
        updateProxy();
        store.set(engine.audit().location());
    }

    public ReadOnlyStringProperty proxyProperty() {
        return proxy.getReadOnlyProperty();
    }

    public ReadOnlyStringProperty ratesProperty() {
        return rates.getReadOnlyProperty();
    }

    public ReadOnlyStringProperty storeProperty() {
        return store.getReadOnlyProperty();
    }

    public void onEvents(List<EngineEvent> batch) {
        for (EngineEvent e : batch) {
            if (e instanceof EngineEvent.CallCompleted done) {
                long second = done.at().getEpochSecond();
                calls.add(second, 1);
                if (done.record().blocked()) {
                    blocked.add(second, 1);
                }
            } else if (e instanceof EngineEvent.UpstreamStateChanged changed) {
                upstreamStates.put(changed.server(), changed.state());
                updateProxy();
            } else if (e instanceof EngineEvent.AuditStoreChanged changed) {
                storeDown = changed.up() ? "" : " · DOWN, calls blocked: " + changed.detail();
                store.set("Audit " + engine.audit().location() + storeDown);
            } else if (e instanceof EngineEvent.PolicyReloaded reloaded) {
                lastPolicyEvent =
                        reloaded.applied() ? " · policy reloaded" : " · policy refused: " + reloaded.problem();
                updateProxy();
            }
        }
    }

    /** Called once a second: refreshes the rates, and the store size in the background. */
    public void tick(Instant now) {
        long second = now.getEpochSecond();
        rates.set(String.format(
                Locale.ROOT, "%.1f calls/s · %.1f blocked/s", calls.perSecond(second), blocked.perSecond(second)));
    }

    public void refreshStoreSize() {
        AuditStore audit = engine.audit();
        background.run(
                audit::sizeBytes,
                size -> store.set(
                        "Audit " + audit.location() + (size >= 0 ? " · " + humanBytes(size) : "") + storeDown),
                e -> store.set("Audit " + audit.location() + " · unavailable"));
    }

    private void updateProxy() {
        String upstreams = "";
        if (!upstreamStates.isEmpty()) {
            long up = upstreamStates.values().stream()
                    .filter(StatusViewModel::isUp)
                    .count();
            upstreams = " · " + up + "/" + upstreamStates.size() + " upstreams up";
        }
        proxy.set(engine.endpoint()
                        .map(uri -> "Proxy " + uri + " · running")
                        .or(() -> engine.remote().map(uri -> "Connected to " + uri + " · remote"))
                        .orElse("Read-only · no proxy")
                + upstreams
                + lastPolicyEvent);
    }

    private static boolean isUp(String state) {
        return "connected".equals(state);
    }

    static String humanBytes(long bytes) {
        if (bytes < 1024) {
            return bytes + " B";
        }
        double v = bytes;
        String[] units = {"KB", "MB", "GB", "TB"};
        int i = -1;
        while (v >= 1024 && i < units.length - 1) {
            v /= 1024;
            i++;
        }
        return String.format(Locale.ROOT, "%.1f %s", v, units[i]);
    }
}
