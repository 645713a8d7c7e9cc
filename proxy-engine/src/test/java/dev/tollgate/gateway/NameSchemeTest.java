package dev.tollgate.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tollgate.pipeline.ToolRef;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class NameSchemeTest {
    private final NameScheme names = new NameScheme("__");

    @Test
    void aNameRoutesToTheLongestServerItStartsWith() {
        List<String> servers = List.of("crm", "crm__eu", "payments");

        assertThat(names.parse("crm__getAccount", servers)).contains(new ToolRef("crm", "getAccount"));
        assertThat(names.parse("crm__eu__getAccount", servers)).contains(new ToolRef("crm__eu", "getAccount"));
        assertThat(names.parse("payments__issue__refund", servers)).contains(new ToolRef("payments", "issue__refund"));
        assertThat(names.parse("tickets__open", servers)).isEmpty();
        assertThat(names.parse("crm__", servers)).isEmpty();
    }

    @Test
    void aConfiguredSeparatorIsUsedBothWays() {
        NameScheme dotted = new NameScheme(".");

        assertThat(dotted.name("payments", "issueRefund")).isEqualTo("payments.issueRefund");
        assertThat(dotted.parse("payments.issueRefund", List.of("payments")))
                .contains(new ToolRef("payments", "issueRefund"));
    }

    @Test
    void resourceUrisKeepTheUpstreamUriAndTemplatesVerbatim() {
        List<String> servers = List.of("files");

        String uri = names.uri("files", "file:///etc/motd");
        String template = names.uri("files", "file:///logs/{day}.txt");

        assertThat(uri).isEqualTo("tollgate://files/file:///etc/motd");
        assertThat(template).isEqualTo("tollgate://files/file:///logs/{day}.txt");
        assertThat(names.parseUri("tollgate://files/file:///logs/2026-11-25.txt", servers))
                .contains(new ToolRef("files", "file:///logs/2026-11-25.txt"));
        assertThat(names.parseUri("tollgate://elsewhere/x", servers)).isEmpty();
        assertThat(names.parseUri("file:///etc/motd", servers)).isEmpty();
    }

    /** The test's transparent server: {@code ev} keeps its names and offers {@code echo} and {@code note://a}. */
    private static final class OneTransparentServer implements NameScheme.TransparentServers {
        @Override
        public boolean isTransparent(String server) {
            return server.equals("ev");
        }

        @Override
        public Optional<String> ownerOfName(String name) {
            return name.equals("echo") ? Optional.of("ev") : Optional.empty();
        }

        @Override
        public Optional<String> ownerOfUri(String uri) {
            return uri.equals("note://a") ? Optional.of("ev") : Optional.empty();
        }
    }

    @Test
    void aTransparentServerKeepsItsNamesAndUrisBesidePrefixedOnes() {
        NameScheme mixed = new NameScheme("__", new OneTransparentServer());
        List<String> servers = List.of("ev", "crm");

        assertThat(mixed.name("ev", "echo")).isEqualTo("echo");
        assertThat(mixed.uri("ev", "note://a")).isEqualTo("note://a");
        assertThat(mixed.name("crm", "echo")).isEqualTo("crm__echo");
        assertThat(mixed.parse("echo", servers)).contains(new ToolRef("ev", "echo"));
        assertThat(mixed.parse("crm__echo", servers)).contains(new ToolRef("crm", "echo"));
        assertThat(mixed.parse("ev__echo", servers)).isEmpty();
        assertThat(mixed.parseUri("note://a", servers)).contains(new ToolRef("ev", "note://a"));
        assertThat(mixed.parseUri("tollgate://ev/note://a", servers)).isEmpty();
    }
}
