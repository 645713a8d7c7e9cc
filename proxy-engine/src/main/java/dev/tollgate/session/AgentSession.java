package dev.tollgate.session;

import dev.tollgate.identity.AgentIdentity;
import dev.tollgate.identity.Credentials;
import dev.tollgate.json.Json;
import dev.tollgate.pipeline.AgentChannel;
import java.time.Instant;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import tools.jackson.databind.JsonNode;

/**
 * One agent's MCP session with Tollgate: who it is, what it negotiated, where unsolicited messages to it
 * go, and the server-to-client requests and agent requests now in flight.
 */
public final class AgentSession {
    /** A server-to-client request an upstream sent, relayed to the agent under a Tollgate id. */
    public record PendingRelay(String server, JsonNode upstreamId) {}

    private final String id;
    private final AgentIdentity agent;
    private final String transport;
    private final AgentChannel outbound;
    private final Instant openedAt;
    private final boolean stateless;
    private volatile Credentials credentials;
    private volatile Instant lastActive;
    private volatile String protocolVersion;
    private volatile JsonNode clientCapabilities = Json.object();
    private volatile JsonNode clientInfo = Json.object();
    private volatile String logLevel = "info";
    private volatile boolean ended;
    private volatile Set<String> announcedTools = Set.of();
    private final ConcurrentMap<String, PendingRelay> relays = new ConcurrentHashMap<>();
    private final ConcurrentMap<String, Consumer<String>> inFlight = new ConcurrentHashMap<>();
    private final AtomicLong relaySequence = new AtomicLong();

    AgentSession(
            String id,
            AgentIdentity agent,
            Credentials credentials,
            String transport,
            String protocolVersion,
            AgentChannel outbound,
            Instant now) {
        this(id, agent, credentials, transport, protocolVersion, outbound, now, false);
    }

    private AgentSession(
            String id,
            AgentIdentity agent,
            Credentials credentials,
            String transport,
            String protocolVersion,
            AgentChannel outbound,
            Instant now,
            boolean stateless) {
        this.stateless = stateless;
        this.id = id;
        this.agent = agent;
        this.credentials = credentials;
        this.transport = transport;
        this.protocolVersion = protocolVersion;
        this.outbound = outbound;
        this.openedAt = now;
        this.lastActive = now;
    }

    /**
     * The context of one request in the stateless 2026-07-28 revision, which has no sessions: never registered,
     * so never listed, reaped or limited; its id is unique to the request.
     */
    public static AgentSession stateless(
            AgentIdentity agent,
            Credentials credentials,
            String transport,
            String version,
            JsonNode capabilities,
            JsonNode info,
            Instant now) {
        return stateless(agent, credentials, transport, version, capabilities, info, AgentChannel.DISCARD, now);
    }

    /** Like {@link #stateless}, for a request that stays open to hear messages (subscriptions/listen). */
    public static AgentSession stateless(
            AgentIdentity agent,
            Credentials credentials,
            String transport,
            String version,
            JsonNode capabilities,
            JsonNode info,
            AgentChannel outbound,
            Instant now) {
        AgentSession session = new AgentSession(
                "stateless-" + UUID.randomUUID(), agent, credentials, transport, version, outbound, now, true);
        session.initialized(version, capabilities, info);
        return session;
    }

    /** Whether this is one stateless request's context rather than a session the agent opened. */
    public boolean isStateless() {
        return stateless;
    }

    public String id() {
        return id;
    }

    public AgentIdentity agent() {
        return agent;
    }

    /** "http" or "stdio". */
    public String transport() {
        return transport;
    }

    /** The credentials the agent presented last; calls carry them so the identity link can re-check them. */
    public Credentials credentials() {
        return credentials;
    }

    public void presented(Credentials latest) {
        this.credentials = latest;
    }

    public Instant openedAt() {
        return openedAt;
    }

    public Instant lastActive() {
        return lastActive;
    }

    void touch(Instant now) {
        lastActive = now;
    }

    public String protocolVersion() {
        return protocolVersion;
    }

    public JsonNode clientCapabilities() {
        return clientCapabilities;
    }

    public JsonNode clientInfo() {
        return clientInfo;
    }

    /** Records what {@code initialize} negotiated. */
    public void initialized(String version, JsonNode capabilities, JsonNode info) {
        this.protocolVersion = version;
        this.clientCapabilities = capabilities == null || capabilities.isMissingNode() ? Json.object() : capabilities;
        this.clientInfo = info == null || info.isMissingNode() ? Json.object() : info;
    }

    /** Whether the agent declared a client capability (roots, sampling, elicitation). */
    public boolean hasClientCapability(String name) {
        return clientCapabilities.has(name);
    }

    public String logLevel() {
        return logLevel;
    }

    public void logLevel(String level) {
        this.logLevel = level;
    }

    /** Sends a message outside any request: the GET stream over HTTP, stdout over stdio. */
    public void send(JsonNode message) {
        if (!ended) {
            outbound.send(message);
        }
    }

    public AgentChannel outbound() {
        return outbound;
    }

    public boolean isEnded() {
        return ended;
    }

    void markEnded() {
        ended = true;
        inFlight.values().forEach(cancel -> cancel.accept("the agent's session ended"));
        inFlight.clear();
        relays.clear();
    }

    /** Remembers an upstream's request and returns the id the agent sees for it. */
    public String relay(PendingRelay pending) {
        String agentFacingId = "tollgate-" + relaySequence.incrementAndGet();
        relays.put(agentFacingId, pending);
        return agentFacingId;
    }

    /** The relay an agent's response answers, removed once taken. */
    public Optional<PendingRelay> takeRelay(JsonNode agentFacingId) {
        if (agentFacingId == null || !agentFacingId.isString()) {
            return Optional.empty();
        }
        return Optional.ofNullable(relays.remove(agentFacingId.asString()));
    }

    /** Registers how to cancel an agent request while it runs; the key is the request id as JSON text. */
    public void started(JsonNode requestId, Runnable cancel) {
        started(requestId, reason -> cancel.run());
    }

    /** Like {@link #started(JsonNode, Runnable)}, for a request that wants to know why it was cancelled. */
    public void started(JsonNode requestId, Consumer<String> cancel) {
        inFlight.put(Json.write(requestId), cancel);
    }

    public void finished(JsonNode requestId) {
        inFlight.remove(Json.write(requestId));
    }

    /** Cancels an in-flight request named by the agent; false when none runs under that id. */
    public boolean cancel(JsonNode requestId) {
        return cancel(requestId, "no reason given");
    }

    /** Cancels an in-flight request named by the agent, with the reason it gave; false when none runs under that id. */
    public boolean cancel(JsonNode requestId, String reason) {
        Consumer<String> cancel = inFlight.remove(Json.write(requestId));
        if (cancel == null) {
            return false;
        }
        cancel.accept(reason);
        return true;
    }

    /** The tool names last listed to the agent, so a policy change re-announces only when they change. */
    public Set<String> announcedTools() {
        return announcedTools;
    }

    public void announcedTools(Set<String> names) {
        this.announcedTools = Set.copyOf(names);
    }

    @Override
    public String toString() {
        return "AgentSession[" + agent.agentId() + ", " + transport + ", " + protocolVersion + "]";
    }
}
