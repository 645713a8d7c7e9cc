package dev.tollgate.engine;

import dev.tollgate.approval.ApprovalDesk;
import dev.tollgate.approval.ApprovalInterceptor;
import dev.tollgate.approval.ApprovalSettings;
import dev.tollgate.audit.AuditInterceptor;
import dev.tollgate.audit.AuditStore;
import dev.tollgate.audit.Retention;
import dev.tollgate.auditserver.AuditServerConnection;
import dev.tollgate.auditserver.AuditServerSettings;
import dev.tollgate.config.ConfigLoader;
import dev.tollgate.config.TollgateConfig;
import dev.tollgate.events.EngineEvent;
import dev.tollgate.events.EventBus;
import dev.tollgate.gateway.GatewaySettings;
import dev.tollgate.gateway.McpGateway;
import dev.tollgate.gateway.NameScheme;
import dev.tollgate.gateway.UnknownToolInterceptor;
import dev.tollgate.history.CallLedger;
import dev.tollgate.history.HistoryInterceptor;
import dev.tollgate.identity.Authenticator;
import dev.tollgate.identity.IdentityConfig;
import dev.tollgate.identity.IdentityInterceptor;
import dev.tollgate.identity.IdentityServices;
import dev.tollgate.identity.UserTokenVerifier;
import dev.tollgate.loopbreaker.LoopBreakerInterceptor;
import dev.tollgate.pinning.PinnedPolicy;
import dev.tollgate.pinning.PinningSettings;
import dev.tollgate.pinning.ToolPins;
import dev.tollgate.pipeline.ToolAnnotations;
import dev.tollgate.policy.CompiledPolicy;
import dev.tollgate.policy.FilePolicyControl;
import dev.tollgate.policy.Policy;
import dev.tollgate.policy.PolicyControl;
import dev.tollgate.policy.PolicyHolder;
import dev.tollgate.policy.PolicyInterceptor;
import dev.tollgate.ratelimit.BucketLevel;
import dev.tollgate.ratelimit.RateLimitInterceptor;
import dev.tollgate.ratelimit.RateLimiter;
import dev.tollgate.ratelimit.redis.LimitBackends;
import dev.tollgate.session.SessionEndRecorder;
import dev.tollgate.session.SessionLimits;
import dev.tollgate.session.SessionListener;
import dev.tollgate.session.SessionRegistry;
import dev.tollgate.shadow.ShadowControl;
import dev.tollgate.shadow.ShadowInterceptor;
import dev.tollgate.shadow.ShadowPolicy;
import dev.tollgate.telemetry.Telemetry;
import dev.tollgate.transport.AgentHttpServer;
import dev.tollgate.upstream.ForwardingInterceptor;
import dev.tollgate.upstream.ListChange;
import dev.tollgate.upstream.UpstreamRegistry;
import dev.tollgate.upstream.UpstreamTool;
import java.net.URI;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Supplier;
import org.eclipse.jetty.server.Handler;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A running Tollgate: event bus, audit store, policy (hot-reloaded), upstream connections, the governing
 * chain, agent sessions and, unless started for stdio only, the agent-facing HTTP endpoint. Closing it
 * shuts everything down in reverse order of start.
 */
public final class TollgateEngine implements Engine {
    private static final Logger LOG = LoggerFactory.getLogger(TollgateEngine.class);

    private final EventBus events;
    private final AuditStore audit;
    private final PolicyHolder policy;
    private final UpstreamRegistry upstreams;
    private final SessionRegistry sessions;
    private final McpGateway gateway;
    private final Snapshots snapshots;
    private final Optional<AgentHttpServer> http;
    private final PolicyControl policyControl;
    private final CallReplayer replayer;
    private final RateLimiter limiter;
    private final ToolPins pins;
    private final ApprovalDesk approvals;
    private final Optional<ShadowPolicy> shadow;
    private final Deque<AutoCloseable> resources;

    private TollgateEngine(
            EventBus events,
            AuditStore audit,
            PolicyHolder policy,
            UpstreamRegistry upstreams,
            SessionRegistry sessions,
            McpGateway gateway,
            Snapshots snapshots,
            Optional<AgentHttpServer> http,
            CallReplayer replayer,
            RateLimiter limiter,
            ToolPins pins,
            ApprovalDesk approvals,
            Optional<ShadowPolicy> shadow,
            Deque<AutoCloseable> resources) {
        this.events = events;
        this.audit = audit;
        this.policy = policy;
        this.upstreams = upstreams;
        this.sessions = sessions;
        this.gateway = gateway;
        this.snapshots = snapshots;
        this.http = http;
        this.resources = resources;
        this.replayer = replayer;
        this.limiter = limiter;
        this.pins = pins;
        this.approvals = approvals;
        this.shadow = shadow;
        this.policyControl = new FilePolicyControl(
                policy,
                new ConfigLoader(),
                audit,
                ref -> upstreams.tool(ref).map(UpstreamTool::annotations).orElse(ToolAnnotations.NONE));
    }

    /** Starts everything including the HTTP endpoint on the configured {@code listen} address. */
    public static TollgateEngine start(TollgateConfig config) {
        return start(config, true, List.of());
    }

    /** Starts with extra HTTP routes (exact path to handler) next to {@code /mcp}. */
    public static TollgateEngine start(TollgateConfig config, List<Route> extraRoutes) {
        return start(config, true, extraRoutes);
    }

    /** Starts without the HTTP endpoint, for {@code tollgate stdio}. */
    public static TollgateEngine startWithoutHttp(TollgateConfig config) {
        return start(config, false, List.of());
    }

    /** An additional handler served at an exact path of the agent-facing server. */
    public record Route(String path, Handler handler) {}

    private static TollgateEngine start(TollgateConfig config, boolean withHttp, List<Route> extraRoutes) {
        Deque<AutoCloseable> opened = new ArrayDeque<>();
        try {
            Clock clock = Clock.systemUTC();
            EventBus events = push(opened, new EventBus());
            AuditStore audit = push(opened, EngineSettings.openAudit(config));
            audit.onAvailability(
                    (up, detail) -> events.publish(new EngineEvent.AuditStoreChanged(clock.instant(), up, detail)));
            PolicyHolder policy = push(opened, PolicyHolder.of(config, new ConfigLoader(), events, clock));
            LimitBackends limitBackends = push(opened, LimitBackends.open(config));
            AtomicReference<UpstreamRegistry> registry = new AtomicReference<>();
            Telemetry telemetry = push(
                    opened,
                    Telemetry.start(
                            config,
                            events,
                            limitBackends.limiter()::fillLevels,
                            () -> EngineSettings.upstreamStates(registry.get())));
            if (config.file().isPresent()) {
                policy.watch(PolicyHolder.DEFAULT_DEBOUNCE);
            }
            AtomicReference<String> boundBase = new AtomicReference<>(IdentityConfig.baseUrl(config));
            IdentityServices identityServices = IdentityServices.create(config, boundBase::get, clock);
            IdentityConfig identity = identityServices.config();
            AtomicReference<Integer> boundPort = new AtomicReference<>(config.listenPort());

            UpstreamRegistry upstreams = push(opened, UpstreamRegistry.fromConfig(config, events));
            registry.set(upstreams);
            AuditServerSettings.from(config).ifPresent(on -> upstreams.addBuiltIn(new AuditServerConnection(audit)));
            ToolPins pins = push(opened, ToolPins.open(PinningSettings.from(config), upstreams::tool, events, clock));
            upstreams.onListChanged(change -> {
                if (change.kind() == ListChange.Kind.TOOLS) {
                    pins.observe(upstreams.tools(change.server()));
                }
            });
            upstreams.start();
            pins.observe(upstreams.tools());
            pins.watch();
            Policy governing = new PinnedPolicy(policy.live(), pins);
            Snapshots snapshots = new Snapshots(
                    policy,
                    loaded -> {
                        TollgateConfig bound = loaded.withListenPort(boundPort.get());
                        return IdentityConfig.from(bound).authenticator(bound);
                    },
                    compiled -> new PinnedPolicy(compiled, pins));
            Authenticator authenticator = snapshots.authenticator();
            Optional<ShadowPolicy> shadow = ShadowPolicy.open(config, new ConfigLoader(), clock);
            shadow.ifPresent(s -> push(opened, s));
            Supplier<Optional<CompiledPolicy>> candidate = () -> shadow.flatMap(ShadowPolicy::current);
            ApprovalDesk approvals = push(opened, new ApprovalDesk(ApprovalSettings.from(config), events, clock));
            approvals.clearStale();
            AdminWiring.start(config, policy, audit, upstreams, events, clock)
                    .ifPresent(server -> push(opened, server));
            SessionRegistry sessions = push(opened, new SessionRegistry(SessionLimits.from(config)));
            Optional<Duration> retention = Retention.configured(config);
            if (retention.isPresent()) {
                push(opened, Retention.start(audit, retention.get(), clock));
            }
            sessions.addListener(identityServices.sessionListener());
            sessions.addListener(new SessionEndRecorder(audit, events, clock));

            GatewaySettings settings = new GatewaySettings(
                    config.toolNameSeparator(),
                    config.callTimeout(),
                    config.root().path("listPageSize").asInt(100),
                    "0.1.0");
            CallLedger history = CallLedger.seededFrom(audit);
            Chains.Links links = new Chains.Links(
                    new AuditInterceptor(audit, events, clock),
                    new IdentityInterceptor(identity.userToken().map(UserTokenVerifier::new)),
                    new ShadowInterceptor(candidate, history, events, clock),
                    new PolicyInterceptor(history),
                    new RateLimitInterceptor(limitBackends.limiter(), clock),
                    new LoopBreakerInterceptor(limitBackends.repeats(), events, clock),
                    new ApprovalInterceptor(history, approvals, audit.redactor(), clock),
                    new HistoryInterceptor(
                            history,
                            audit.redactor(),
                            () -> candidate
                                    .get()
                                    .map(CompiledPolicy::usesHistory)
                                    .orElse(false)),
                    identityServices.upstreamTokenLinks(),
                    new ForwardingInterceptor(upstreams),
                    new UnknownToolInterceptor(new NameScheme(config.toolNameSeparator())));
            McpGateway gateway = new McpGateway(
                    upstreams,
                    () -> governing,
                    () -> authenticator,
                    Chains.observed(Chains.build(links, snapshots), telemetry.link(), snapshots),
                    sessions,
                    settings);
            pins.onChange(gateway::policyChanged);
            CallReplayer replayer = new PipelineReplayer(
                    links, snapshots, telemetry.link(), policy, upstreams, audit, config.callTimeout());
            policy.onChange((previous, next) -> {
                shadow.ifPresent(s -> s.follow(next.config()));
                gateway.policyChanged();
            });

            Optional<AgentHttpServer> http = Optional.empty();
            if (withHttp) {
                AgentEndpoint endpoint = new AgentEndpoint(
                        config, identityServices, audit, events, upstreams, sessions, snapshots, clock);
                AgentHttpServer server = push(opened, endpoint.server(gateway, telemetry::traceContext));
                extraRoutes.forEach(route -> server.addRoute(route.path(), route.handler()));
                endpoint.start(server, boundBase, boundPort);
                http = Optional.of(server);
            }
            return new TollgateEngine(
                    events,
                    audit,
                    policy,
                    upstreams,
                    sessions,
                    gateway,
                    snapshots,
                    http,
                    replayer,
                    limitBackends.limiter(),
                    pins,
                    approvals,
                    shadow,
                    opened);
        } catch (RuntimeException e) {
            closeAll(opened);
            throw e;
        } catch (Exception e) {
            closeAll(opened);
            throw new IllegalStateException(e.getMessage(), e);
        }
    }

    private static <T extends AutoCloseable> T push(Deque<AutoCloseable> opened, T resource) {
        opened.push(resource);
        return resource;
    }

    @Override
    public Optional<URI> endpoint() {
        return http.map(AgentHttpServer::endpoint);
    }

    /** The bound port of the HTTP endpoint; empty for a stdio-only engine. */
    public Optional<Integer> port() {
        return http.map(AgentHttpServer::port);
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
        return Optional.of(policyControl);
    }

    @Override
    public Optional<CallReplayer> replayer() {
        return Optional.of(replayer);
    }

    @Override
    public List<BucketLevel> limitLevels(String agentId, String tool) {
        return limiter.levels(agentId, tool);
    }

    @Override
    public Optional<Path> transcripts() {
        return policy.get().config().transcriptsDirectory();
    }

    /** The hot-reloading policy holder, for wiring features that react to policy changes. */
    public PolicyHolder policyHolder() {
        return policy;
    }

    @Override
    public List<UpstreamStatus> upstreams() {
        return upstreams.statuses();
    }

    /** The pinned tool definitions: what changed, and approving a new definition. */
    @Override
    public Optional<ToolPins> pins() {
        return Optional.of(pins);
    }

    /** The calls held for a person's approval, and answering them. */
    @Override
    public Optional<ApprovalDesk> approvals() {
        return Optional.of(approvals);
    }

    /** The shadow candidate, when the configuration names one: its file, and promoting it. */
    @Override
    public Optional<ShadowControl> shadow() {
        return shadow.map(s -> new ShadowControl() {
            @Override
            public Path candidate() {
                return s.file();
            }

            @Override
            public void promote() {
                s.promote(policy);
            }
        });
    }

    public McpGateway gateway() {
        return gateway;
    }

    public SessionRegistry sessions() {
        return sessions;
    }

    /** The authenticator in force (it changes when the configuration is reloaded). */
    public Authenticator authenticator() {
        return snapshots.authenticator();
    }

    /** Hears sessions end (e.g. to revoke per-user tokens issued for them). */
    public void onSessionEnd(SessionListener listener) {
        sessions.addListener(listener);
    }

    /** Registers another handler on the agent-facing server, e.g. an OAuth callback. */
    public void addRoute(Route route) {
        http.orElseThrow(() -> new IllegalStateException("this engine has no HTTP endpoint"))
                .addRoute(route.path(), route.handler());
    }

    @Override
    public void close() {
        LOG.info("Tollgate shutting down");
        closeAll(resources);
    }

    private static void closeAll(Deque<AutoCloseable> opened) {
        while (!opened.isEmpty()) {
            AutoCloseable resource = opened.pop();
            try {
                resource.close();
            } catch (Exception e) {
                LOG.warn("closing {} failed", resource.getClass().getSimpleName(), e);
            }
        }
    }
}
