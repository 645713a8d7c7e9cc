package dev.tollgate.engine;

import dev.tollgate.audit.AuditStore;
import dev.tollgate.audit.HeaderMismatchRecorder;
import dev.tollgate.audit.RefusedCredentialsRecorder;
import dev.tollgate.config.TollgateConfig;
import dev.tollgate.events.EventBus;
import dev.tollgate.gateway.McpGateway;
import dev.tollgate.identity.BearerChallenge;
import dev.tollgate.identity.IdentityConfig;
import dev.tollgate.identity.IdentityServices;
import dev.tollgate.identity.ProtectedResourceMetadataHandler;
import dev.tollgate.identity.UserTokenSettings;
import dev.tollgate.session.SessionRegistry;
import dev.tollgate.transport.AgentHttpServer;
import dev.tollgate.transport.McpHttpHandler;
import dev.tollgate.transport.OriginPolicy;
import dev.tollgate.upstream.UpstreamRegistry;
import java.net.URI;
import java.time.Clock;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.UnaryOperator;
import org.eclipse.jetty.server.Handler;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The agent-facing HTTP endpoint as the engine wires it: the MCP handler (admitting each request with the
 * authenticator of the call snapshot in force), the recorders of refused requests, the identity routes, and binding,
 * after which the identity configuration names the port actually bound.
 */
final class AgentEndpoint {
    private static final Logger LOG = LoggerFactory.getLogger(TollgateEngine.class);

    private final TollgateConfig config;
    private final IdentityServices identity;
    private final AuditStore audit;
    private final EventBus events;
    private final UpstreamRegistry upstreams;
    private final SessionRegistry sessions;
    private final Snapshots snapshots;
    private final Clock clock;

    AgentEndpoint(
            TollgateConfig config,
            IdentityServices identity,
            AuditStore audit,
            EventBus events,
            UpstreamRegistry upstreams,
            SessionRegistry sessions,
            Snapshots snapshots,
            Clock clock) {
        this.config = config;
        this.identity = identity;
        this.audit = audit;
        this.events = events;
        this.upstreams = upstreams;
        this.sessions = sessions;
        this.snapshots = snapshots;
        this.clock = clock;
    }

    /** A server for {@code gateway}, not started yet: the MCP route (through {@code traced}) and identity routes. */
    AgentHttpServer server(McpGateway gateway, UnaryOperator<Handler> traced) {
        String userTokenHeader =
                identity.config().userToken().map(UserTokenSettings::header).orElse(UserTokenSettings.DEFAULT_HEADER);
        McpHttpHandler handler = new McpHttpHandler(
                gateway,
                sessions,
                // The snapshot's own authenticator, so the chain knows the identity came from its snapshot.
                () -> snapshots.get().authenticator(),
                new OriginPolicy(
                        config.allowedOrigins(),
                        EngineSettings.allowedHosts(config),
                        OriginPolicy.isLoopback(config.listenHost())),
                config.maxBodyBytes(),
                userTokenHeader);
        handler.onRefusedCredentials(new RefusedCredentialsRecorder(audit, events, clock)::refused);
        handler.onHeaderMismatch(new HeaderMismatchRecorder(
                audit,
                events,
                audit.redactor(),
                name -> gateway.names()
                        .parse(name, upstreams.serverNames())
                        .orElseGet(() -> gateway.names().guess(name)),
                clock)::refused);
        AgentHttpServer server = new AgentHttpServer(config.listenHost(), config.listenPort(), handler);
        identity.handlers().forEach((path, route) -> {
            if (!path.startsWith(BearerChallenge.WELL_KNOWN_PATH)) {
                server.addRoute(path, route);
            }
        });
        server.addRoute(AgentHttpServer.MCP_PATH, traced.apply(handler));
        return server;
    }

    /** Binds {@code server}; with "--port 0" the resource identifier (JWT audience, metadata) names the bound port. */
    void start(AgentHttpServer server, AtomicReference<String> boundBase, AtomicReference<Integer> boundPort)
            throws Exception {
        server.start();
        URI bound = server.endpoint();
        boundBase.set(bound.getScheme() + "://" + bound.getRawAuthority());
        boundPort.set(server.port());
        IdentityConfig boundIdentity = IdentityConfig.from(config.withListenPort(server.port()));
        snapshots.refresh();
        ProtectedResourceMetadataHandler metadata = new ProtectedResourceMetadataHandler(boundIdentity.metadata());
        server.addRoute(BearerChallenge.WELL_KNOWN_PATH, metadata);
        server.addRoute(BearerChallenge.WELL_KNOWN_PATH + "/mcp", metadata);
        LOG.info("Tollgate listening on {}", server.endpoint());
    }
}
