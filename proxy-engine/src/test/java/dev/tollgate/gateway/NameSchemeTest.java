package dev.tollgate.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tollgate.pipeline.ToolRef;
import java.util.List;
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
        assertThat(dotted.parse("payments.issueRefund", List.of("payments"))).contains(new ToolRef("payments", "issueRefund"));
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
}
