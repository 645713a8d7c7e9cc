package dev.tollgate.session;

import dev.tollgate.identity.AgentIdentity;
import dev.tollgate.identity.Credentials;
import dev.tollgate.pipeline.AgentChannel;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.Collection;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The open agent sessions, ended on request, on shutdown, or after an idle timeout; at most
 * {@link SessionLimits#maxPerAgent()} per agent and {@link SessionLimits#maxTotal()} in all, so an agent that
 * initializes in a loop and never ends its sessions cannot fill Tollgate's memory.
 */
public final class SessionRegistry implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(SessionRegistry.class);
    private static final SecureRandom RANDOM = new SecureRandom();

    private final ConcurrentMap<String, AgentSession> sessions = new ConcurrentHashMap<>();
    private final List<SessionListener> listeners = new CopyOnWriteArrayList<>();
    private final SessionLimits limits;
    private final Clock clock;
    private final ScheduledExecutorService reaper;

    public SessionRegistry(Duration idleTimeout) {
        this(SessionLimits.idleAfter(idleTimeout), Clock.systemUTC());
    }

    public SessionRegistry(Duration idleTimeout, Clock clock) {
        this(SessionLimits.idleAfter(idleTimeout), clock);
    }

    public SessionRegistry(SessionLimits limits) {
        this(limits, Clock.systemUTC());
    }

    public SessionRegistry(SessionLimits limits, Clock clock) {
        this.limits = limits;
        this.clock = clock;
        Duration idleTimeout = limits.idleTimeout();
        this.reaper = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "tollgate-session-reaper");
            t.setDaemon(true);
            return t;
        });
        long period = Math.max(1, Math.min(idleTimeout.toMillis() / 4, 30_000));
        reaper.scheduleAtFixedRate(this::endIdle, period, period, TimeUnit.MILLISECONDS);
    }

    /** Opens a session, or refuses with a {@link SessionLimitException} saying which limit is reached. */
    public synchronized AgentSession open(
            AgentIdentity agent,
            Credentials credentials,
            String transport,
            String protocolVersion,
            AgentChannel outbound) {
        if (sessions.size() >= limits.maxTotal()) {
            throw new SessionLimitException(
                    "Tollgate has " + sessions.size() + " open sessions, its limit "
                            + "(maxSessions); end unused sessions (HTTP DELETE) or wait until idle ones expire after "
                            + idle(),
                    false);
        }
        long own = sessions.values().stream()
                .filter(s -> s.agent().agentId().equals(agent.agentId()))
                .count();
        if (own >= limits.maxPerAgent()) {
            throw new SessionLimitException(
                    "agent " + agent.agentId() + " has " + own + " open sessions, its limit "
                            + "(maxSessionsPerAgent); end unused sessions (HTTP DELETE) or wait until idle ones expire after "
                            + idle(),
                    true);
        }
        String id = newId();
        AgentSession session =
                new AgentSession(id, agent, credentials, transport, protocolVersion, outbound, clock.instant());
        sessions.put(id, session);
        return session;
    }

    /** The live session with this id, marked active. */
    public Optional<AgentSession> find(String id) {
        AgentSession session = sessions.get(id);
        if (session == null || session.isEnded()) {
            return Optional.empty();
        }
        session.touch(clock.instant());
        return Optional.of(session);
    }

    public Collection<AgentSession> active() {
        return List.copyOf(sessions.values());
    }

    /** Ends a session; false when it was not open. Listeners run once per session. */
    public boolean end(String id, SessionEndReason reason) {
        AgentSession session = sessions.remove(id);
        if (session == null) {
            return false;
        }
        session.markEnded();
        for (SessionListener listener : listeners) {
            try {
                listener.sessionEnded(session, reason);
            } catch (RuntimeException e) {
                LOG.warn(
                        "session listener failed for session of {}",
                        session.agent().agentId(),
                        e);
            }
        }
        return true;
    }

    public void addListener(SessionListener listener) {
        listeners.add(listener);
    }

    /** Ends every session idle for longer than the timeout. */
    public void endIdle() {
        Instant cutoff = clock.instant().minus(limits.idleTimeout());
        for (AgentSession session : active()) {
            if (session.lastActive().isBefore(cutoff)) {
                LOG.info("ending idle session of agent {}", session.agent().agentId());
                end(session.id(), SessionEndReason.IDLE);
            }
        }
    }

    @Override
    public void close() {
        reaper.shutdownNow();
        for (AgentSession session : active()) {
            end(session.id(), SessionEndReason.SHUTDOWN);
        }
    }

    /** The idle timeout as the configuration writes it: 30m, 90s, 500ms. */
    private String idle() {
        Duration d = limits.idleTimeout();
        if (d.toMillis() % 60_000 == 0) {
            return d.toMinutes() + "m";
        }
        return d.toMillis() % 1_000 == 0 ? d.toSeconds() + "s" : d.toMillis() + "ms";
    }

    /** 256 random bits, base64url: unguessable and only visible ASCII, as the spec requires. */
    private static String newId() {
        byte[] bytes = new byte[32];
        RANDOM.nextBytes(bytes);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
    }
}
