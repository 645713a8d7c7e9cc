package dev.tollgate.admin;

import dev.tollgate.audit.AuditStore;
import dev.tollgate.audit.AuditStores;
import dev.tollgate.audit.AuditUnavailableException;
import dev.tollgate.engine.Engine;
import dev.tollgate.engine.UpstreamStatus;
import dev.tollgate.events.EventBus;
import dev.tollgate.json.Json;
import dev.tollgate.policy.PolicyControl;
import java.io.IOException;
import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import okhttp3.Response;
import okhttp3.sse.EventSource;
import okhttp3.sse.EventSourceListener;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import tools.jackson.databind.JsonNode;

/**
 * A remote {@code tollgate serve} as the desktop app sees it: live events from its admin listener's SSE stream
 * (re-opened after a break), upstream states from its status, the policy through its admin listener, and history
 * from the team's audit store opened read-only here. Nothing is re-sent from here: replay stays with the instance.
 */
public final class RemoteEngine implements Engine {
    private static final Logger LOG = LoggerFactory.getLogger(RemoteEngine.class);

    private final AdminClient admin;
    private final AuditStore audit;
    private final EventBus events = new EventBus();
    private final RemotePolicyControl policy;
    private final AtomicReference<List<UpstreamStatus>> upstreams = new AtomicReference<>(List.of());
    private final AtomicReference<EventSource> stream = new AtomicReference<>();
    private final ScheduledExecutorService background = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "tollgate-remote");
        t.setDaemon(true);
        return t;
    });
    private volatile boolean closed;

    private RemoteEngine(AdminClient admin, AuditStore audit, String appliedBy) {
        this.admin = admin;
        this.audit = audit;
        this.policy = new RemotePolicyControl(admin, audit, appliedBy);
    }

    /**
     * Connects to the admin listener at {@code adminUrl} with {@code token} and opens {@code auditUrl} (the team's
     * store; without one, the store the instance names when its URL carries no password) read-only; {@code appliedBy}
     * names this user on policies applied from here. Fails at once when the listener refuses the token or the store
     * cannot be opened.
     */
    public static RemoteEngine connect(URI adminUrl, String token, Optional<String> auditUrl, String appliedBy)
            throws IOException, AuditUnavailableException {
        AdminClient admin = new AdminClient(adminUrl, token);
        JsonNode status;
        try {
            status = admin.getJson("/admin/status");
        } catch (IOException e) {
            admin.close();
            throw e;
        }
        String store = auditUrl.orElse(status.path("auditUrl").asString(""));
        AuditStore audit;
        try {
            if (store.contains("***")) {
                throw new AuditUnavailableException(
                        "the instance's audit store URL needs credentials: give its" + " JDBC URL (" + store
                                + ") with the password",
                        null);
            }
            audit = AuditStores.openExisting(store);
        } catch (AuditUnavailableException e) {
            admin.close();
            throw e;
        }
        RemoteEngine engine = new RemoteEngine(admin, audit, appliedBy);
        engine.upstreams.set(statuses(status));
        CountDownLatch opened = new CountDownLatch(1);
        engine.listen(opened);
        try {
            // Events from before the stream opened are in the store; waiting keeps the first live ones.
            opened.await(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        engine.background.scheduleWithFixedDelay(engine::refreshStatus, 2, 2, TimeUnit.SECONDS);
        LOG.info("watching {} (audit {})", admin.base(), AuditStores.redactUrl(store));
        return engine;
    }

    private void listen(CountDownLatch opened) {
        stream.set(admin.events(new EventSourceListener() {
            @Override
            public void onOpen(EventSource source, Response response) {
                opened.countDown();
            }

            @Override
            public void onEvent(EventSource source, String id, String type, String data) {
                EventCodec.fromJson(Json.parse(data)).ifPresent(events::publish);
            }

            @Override
            public void onClosed(EventSource source) {
                reopenLater();
            }

            @Override
            public void onFailure(EventSource source, Throwable t, Response response) {
                LOG.warn("event stream from {} broke: {}", admin.base(), t == null ? response : t.getMessage());
                reopenLater();
            }
        }));
    }

    private void reopenLater() {
        if (!closed) {
            background.schedule(() -> listen(new CountDownLatch(1)), 2, TimeUnit.SECONDS);
        }
    }

    private void refreshStatus() {
        try {
            upstreams.set(statuses(admin.getJson("/admin/status")));
        } catch (IOException | RuntimeException e) {
            LOG.debug("status of {} unavailable: {}", admin.base(), e.getMessage());
        }
    }

    private static List<UpstreamStatus> statuses(JsonNode status) {
        List<UpstreamStatus> out = new ArrayList<>();
        status.path("upstreams")
                .forEach(s -> out.add(new UpstreamStatus(
                        s.path("server").asString(),
                        s.path("transport").asString(),
                        s.path("state").asString(),
                        s.path("detail").asString(""),
                        s.path("toolCount").asInt())));
        return List.copyOf(out);
    }

    @Override
    public Optional<URI> remote() {
        return Optional.of(admin.base());
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
        return audit;
    }

    @Override
    public Optional<PolicyControl> policy() {
        return Optional.of(policy);
    }

    @Override
    public List<UpstreamStatus> upstreams() {
        return upstreams.get();
    }

    @Override
    public void close() {
        closed = true;
        background.shutdownNow();
        EventSource open = stream.get();
        if (open != null) {
            open.cancel();
        }
        admin.close();
        try {
            audit.close();
        } catch (Exception e) {
            LOG.debug("closing the audit store: {}", e.getMessage());
        }
        events.close();
    }
}
