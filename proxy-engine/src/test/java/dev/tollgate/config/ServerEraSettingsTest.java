package dev.tollgate.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

/** The per-server settings of the protocol eras and transparent names, and the mistakes they refuse. */
class ServerEraSettingsTest {
    private static TollgateConfig parse(String servers) {
        return new ConfigLoader().parse("tollgate.yaml", "servers:\n" + servers);
    }

    @Test
    void protocolDefaultsToAutoAndNamesStayPrefixed() {
        ServerConfig server =
                parse("  crm: { url: \"http://127.0.0.1:1/mcp\" }\n").servers().get("crm");

        assertThat(server.protocol()).isEqualTo("auto");
        assertThat(server.namespaced()).isTrue();
    }

    @Test
    void aPinnedEraAndATransparentServerAreRead() {
        ServerConfig server = parse(
                        "  ev: { url: \"http://127.0.0.1:1/mcp\", protocol: \"2026-07-28\", " + "namespace: false }\n")
                .servers()
                .get("ev");

        assertThat(server.protocol()).isEqualTo("2026-07-28");
        assertThat(server.namespaced()).isFalse();
    }

    @Test
    void anUnknownProtocolIsRefusedAtItsLine() {
        assertThatThrownBy(() -> parse("  crm:\n    url: \"http://127.0.0.1:1/mcp\"\n    protocol: \"2024-11-05\"\n"))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("tollgate.yaml:4")
                .hasMessageContaining("auto, 2026-07-28, 2025-11-25");
    }

    @Test
    void twoTransparentServersAreRefusedBecauseTheirNamesCouldCollide() {
        assertThatThrownBy(() -> parse("  a: { url: \"http://127.0.0.1:1/mcp\", namespace: false }\n"
                        + "  b:\n    url: \"http://127.0.0.1:2/mcp\"\n    namespace: false\n"))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("tollgate.yaml:5")
                .hasMessageContaining("collide");
    }
}
