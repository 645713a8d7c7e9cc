package dev.tollgate.session;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tollgate.identity.AgentIdentity;
import dev.tollgate.identity.Credentials;
import dev.tollgate.pipeline.AgentChannel;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;

class SessionRegistryTest {
    private static final AgentIdentity AGENT = new AgentIdentity("billing-agent", List.of("billing"), "api-key");

    /** A clock the test moves by hand, so idleness is decided without waiting. */
    private static final class ManualClock extends Clock {
        private Instant now = Instant.parse("2026-11-25T10:00:00Z");

        void advance(Duration d) {
            now = now.plus(d);
        }

        @Override
        public ZoneOffset getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(java.time.ZoneId zone) {
            return this;
        }

        @Override
        public Instant instant() {
            return now;
        }
    }

    @Test
    void aSessionIdleLongerThanTheTimeoutEndsAndListenersHearWhy() {
        ManualClock clock = new ManualClock();
        List<String> ended = new CopyOnWriteArrayList<>();
        try (SessionRegistry registry = new SessionRegistry(Duration.ofMinutes(30), clock)) {
            registry.addListener((session, reason) -> ended.add(session.agent().agentId() + ":" + reason));
            AgentSession idle =
                    registry.open(AGENT, Credentials.bearer("k"), "http", "2025-06-18", AgentChannel.DISCARD);
            AgentSession busy =
                    registry.open(AGENT, Credentials.bearer("k"), "http", "2025-06-18", AgentChannel.DISCARD);

            clock.advance(Duration.ofMinutes(20));
            registry.find(busy.id());
            clock.advance(Duration.ofMinutes(20));
            registry.endIdle();

            assertThat(registry.find(idle.id())).isEmpty();
            assertThat(idle.isEnded()).isTrue();
            assertThat(registry.find(busy.id())).contains(busy);
            assertThat(ended).containsExactly("billing-agent:IDLE");
        }
    }

    @Test
    void endingASessionCancelsItsInFlightRequestsAndRunsListenersOnce() {
        List<SessionEndReason> reasons = new CopyOnWriteArrayList<>();
        try (SessionRegistry registry = new SessionRegistry(Duration.ofMinutes(30))) {
            registry.addListener((session, reason) -> reasons.add(reason));
            AgentSession session = registry.open(AGENT, Credentials.NONE, "stdio", "2025-11-25", AgentChannel.DISCARD);
            List<String> cancelled = new CopyOnWriteArrayList<>();
            session.started(dev.tollgate.json.Json.parse("7"), () -> cancelled.add("7"));

            assertThat(registry.end(session.id(), SessionEndReason.CLIENT_CLOSED))
                    .isTrue();
            assertThat(registry.end(session.id(), SessionEndReason.CLIENT_CLOSED))
                    .isFalse();

            assertThat(cancelled).containsExactly("7");
            assertThat(reasons).containsExactly(SessionEndReason.CLIENT_CLOSED);
        }
    }

    @Test
    void closingTheRegistryEndsEverySessionForShutdown() {
        List<SessionEndReason> reasons = new CopyOnWriteArrayList<>();
        SessionRegistry registry = new SessionRegistry(Duration.ofMinutes(30));
        registry.addListener((session, reason) -> reasons.add(reason));
        registry.open(AGENT, Credentials.NONE, "http", "2025-06-18", AgentChannel.DISCARD);
        registry.open(AGENT, Credentials.NONE, "http", "2025-06-18", AgentChannel.DISCARD);

        registry.close();

        assertThat(registry.active()).isEmpty();
        assertThat(reasons).containsExactly(SessionEndReason.SHUTDOWN, SessionEndReason.SHUTDOWN);
    }
}
