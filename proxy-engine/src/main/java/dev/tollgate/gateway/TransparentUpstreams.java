package dev.tollgate.gateway;

import dev.tollgate.pipeline.ToolRef;
import dev.tollgate.upstream.UpstreamPrompt;
import dev.tollgate.upstream.UpstreamRegistry;
import dev.tollgate.upstream.UpstreamResource;
import dev.tollgate.upstream.UpstreamResourceTemplate;
import java.util.List;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * The upstreams configured with {@code namespace: false}, and which of them a name or URI as the agent sent it
 * belongs to: the one whose lists offer it, else the only transparent server (which then answers for names it
 * does not know, as it would directly).
 */
final class TransparentUpstreams implements NameScheme.TransparentServers {
    private final UpstreamRegistry upstreams;

    TransparentUpstreams(UpstreamRegistry upstreams) {
        this.upstreams = upstreams;
    }

    private List<String> transparent() {
        return upstreams.serverNames().stream().filter(this::isTransparent).toList();
    }

    @Override
    public boolean isTransparent(String server) {
        return upstreams.serverConfig(server).map(c -> !c.namespaced()).orElse(false);
    }

    @Override
    public Optional<String> ownerOfName(String name) {
        List<String> servers = transparent();
        for (String server : servers) {
            if (upstreams.tool(new ToolRef(server, name)).isPresent()) {
                return Optional.of(server);
            }
        }
        for (UpstreamPrompt prompt : upstreams.prompts()) {
            if (prompt.name().equals(name) && servers.contains(prompt.server())) {
                return Optional.of(prompt.server());
            }
        }
        return servers.size() == 1 ? Optional.of(servers.get(0)) : Optional.empty();
    }

    @Override
    public Optional<String> ownerOfUri(String uri) {
        List<String> servers = transparent();
        for (UpstreamResource resource : upstreams.resources()) {
            if (resource.uri().equals(uri) && servers.contains(resource.server())) {
                return Optional.of(resource.server());
            }
        }
        for (UpstreamResourceTemplate template : upstreams.resourceTemplates()) {
            if (servers.contains(template.server()) && matches(template.uriTemplate(), uri)) {
                return Optional.of(template.server());
            }
        }
        return servers.size() == 1 ? Optional.of(servers.get(0)) : Optional.empty();
    }

    /** Whether a URI is an expansion of the template: each {@code {variable}} stands for one or more characters. */
    static boolean matches(String template, String uri) {
        StringBuilder regex = new StringBuilder();
        int at = 0;
        while (at < template.length()) {
            int open = template.indexOf('{', at);
            int close = open < 0 ? -1 : template.indexOf('}', open);
            if (open < 0 || close < 0) {
                regex.append(Pattern.quote(template.substring(at)));
                break;
            }
            regex.append(Pattern.quote(template.substring(at, open))).append(".+");
            at = close + 1;
        }
        return Pattern.matches(regex.toString(), uri);
    }
}
