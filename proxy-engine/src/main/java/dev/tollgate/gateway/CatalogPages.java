package dev.tollgate.gateway;

import dev.tollgate.json.Json;
import dev.tollgate.session.AgentSession;
import dev.tollgate.upstream.UpstreamPrompt;
import dev.tollgate.upstream.UpstreamRegistry;
import dev.tollgate.upstream.UpstreamResource;
import dev.tollgate.upstream.UpstreamResourceTemplate;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/** Answers the list methods: the aggregated tools, resources, templates and prompts an agent sees, paged. */
final class CatalogPages {
    private final AgentVisibility visibility;
    private final UpstreamRegistry upstreams;
    private final NameScheme names;
    private final GatewaySettings settings;

    CatalogPages(AgentVisibility visibility, UpstreamRegistry upstreams, NameScheme names, GatewaySettings settings) {
        this.visibility = visibility;
        this.upstreams = upstreams;
        this.names = names;
        this.settings = settings;
    }

    /** The visible tools, renamed; remembers them as announced so later changes can be told to the agent. */
    JsonNode tools(AgentSession session, JsonNode params) {
        Set<String> announced = new LinkedHashSet<>();
        List<JsonNode> out = new ArrayList<>();
        for (AgentVisibility.ListedTool tool : visibility.visibleTools(session)) {
            ObjectNode copy = (ObjectNode) tool.tool().definition().deepCopy();
            copy.put("name", tool.name());
            out.add(copy);
            announced.add(tool.name());
        }
        session.announcedTools(announced);
        return page(out, params, "tools");
    }

    JsonNode resources(AgentSession session, JsonNode params) {
        List<JsonNode> out = new ArrayList<>();
        for (UpstreamResource resource : upstreams.resources()) {
            if (visibility.serverVisible(session, resource.server())) {
                ObjectNode copy = (ObjectNode) resource.definition().deepCopy();
                copy.put("uri", names.uri(resource.server(), resource.uri()));
                out.add(copy);
            }
        }
        return page(out, params, "resources");
    }

    JsonNode resourceTemplates(AgentSession session, JsonNode params) {
        List<JsonNode> out = new ArrayList<>();
        for (UpstreamResourceTemplate template : upstreams.resourceTemplates()) {
            if (visibility.serverVisible(session, template.server())) {
                ObjectNode copy = (ObjectNode) template.definition().deepCopy();
                copy.put("uriTemplate", names.uri(template.server(), template.uriTemplate()));
                out.add(copy);
            }
        }
        return page(out, params, "resourceTemplates");
    }

    JsonNode prompts(AgentSession session, JsonNode params) {
        List<JsonNode> out = new ArrayList<>();
        for (UpstreamPrompt prompt : upstreams.prompts()) {
            if (visibility.serverVisible(session, prompt.server())) {
                ObjectNode copy = (ObjectNode) prompt.definition().deepCopy();
                copy.put("name", names.name(prompt.server(), prompt.name()));
                out.add(copy);
            }
        }
        return page(out, params, "prompts");
    }

    private JsonNode page(List<JsonNode> items, JsonNode params, String key) {
        int offset = 0;
        JsonNode cursor = params.get("cursor");
        if (cursor != null && !cursor.isNull()) {
            offset = Optional.of(cursor)
                    .filter(JsonNode::isString)
                    .flatMap(c -> Cursors.decode(c.asString()))
                    .orElseThrow(() -> new InvalidParams("invalid cursor"));
        }
        ObjectNode result = Json.object();
        ArrayNode array = result.putArray(key);
        int end = Math.min(items.size(), offset + settings.pageSize());
        for (int i = offset; i < end; i++) {
            array.add(items.get(i));
        }
        if (end < items.size()) {
            result.put("nextCursor", Cursors.encode(end));
        }
        return result;
    }
}
