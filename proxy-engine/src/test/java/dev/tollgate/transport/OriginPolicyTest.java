package dev.tollgate.transport;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

/** Host and Origin rules against DNS rebinding, for a loopback and a non-loopback listener. */
class OriginPolicyTest {
    @Test
    void aLoopbackListenerTakesLoopbackHostsAndTheConfiguredOnesOnly() {
        OriginPolicy policy = new OriginPolicy(List.of(), List.of("tollgate.internal"), true);
        assertThat(policy.permitsHost("127.0.0.1:7070")).isTrue();
        assertThat(policy.permitsHost("localhost:7070")).isTrue();
        assertThat(policy.permitsHost("[::1]:7070")).isTrue();
        assertThat(policy.permitsHost("Tollgate.Internal:7070")).isTrue();
        assertThat(policy.permitsHost("evil.example")).isFalse();
        assertThat(policy.permitsHost("localhost.evil.example:7070")).isFalse();
        assertThat(policy.permitsHost(null)).isFalse();
        assertThat(policy.permits("http://evil.example")).isFalse();
        assertThat(policy.permits("http://localhost:3000")).isTrue();
    }

    @Test
    void aNonLoopbackListenerChecksHostsOnlyWhenAllowedHostsAreConfigured() {
        assertThat(new OriginPolicy(List.of(), List.of(), false).permitsHost("gateway.corp:7070"))
                .isTrue();
        OriginPolicy pinned = new OriginPolicy(List.of(), List.of("gateway.corp"), false);
        assertThat(pinned.permitsHost("gateway.corp:7070")).isTrue();
        assertThat(pinned.permitsHost("other.corp:7070")).isFalse();
        assertThat(OriginPolicy.isLoopback("127.0.0.1")).isTrue();
        assertThat(OriginPolicy.isLoopback("0.0.0.0")).isFalse();
    }
}
