package dev.tollgate.engine;

import dev.tollgate.admin.AdminServer;
import dev.tollgate.admin.AdminSettings;
import dev.tollgate.audit.AuditStore;
import dev.tollgate.config.ConfigLoader;
import dev.tollgate.config.TollgateConfig;
import dev.tollgate.events.EventBus;
import dev.tollgate.pipeline.ToolAnnotations;
import dev.tollgate.policy.FilePolicyControl;
import dev.tollgate.policy.PolicyControl;
import dev.tollgate.policy.PolicyHolder;
import dev.tollgate.upstream.UpstreamRegistry;
import dev.tollgate.upstream.UpstreamTool;
import java.time.Clock;
import java.util.Optional;

/** Starts the admin listener when the configuration asks for one, controlling the policy file the engine runs. */
final class AdminWiring {
    private AdminWiring() {}

    static Optional<AdminServer> start(
            TollgateConfig config,
            PolicyHolder policy,
            AuditStore audit,
            UpstreamRegistry upstreams,
            EventBus events,
            Clock clock) {
        Optional<AdminSettings> admin = AdminSettings.from(config);
        if (admin.isEmpty()) {
            return Optional.empty();
        }
        PolicyControl control = new FilePolicyControl(
                policy,
                new ConfigLoader(),
                audit,
                ref -> upstreams.tool(ref).map(UpstreamTool::annotations).orElse(ToolAnnotations.NONE));
        return Optional.of(AdminServer.start(
                admin.get(), events, () -> EngineSettings.adminStatus(config, upstreams), control, audit, clock));
    }
}
