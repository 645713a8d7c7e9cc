package dev.tollgate.upstream;

import java.util.List;

/** Everything one upstream lists, fetched in full (every page) after the handshake and on list_changed. */
public record UpstreamCatalog(
        List<UpstreamTool> tools,
        List<UpstreamResource> resources,
        List<UpstreamResourceTemplate> resourceTemplates,
        List<UpstreamPrompt> prompts) {
    public static final UpstreamCatalog EMPTY = new UpstreamCatalog(List.of(), List.of(), List.of(), List.of());

    public UpstreamCatalog {
        tools = List.copyOf(tools);
        resources = List.copyOf(resources);
        resourceTemplates = List.copyOf(resourceTemplates);
        prompts = List.copyOf(prompts);
    }
}
