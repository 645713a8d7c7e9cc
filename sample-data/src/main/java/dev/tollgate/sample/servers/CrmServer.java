package dev.tollgate.sample.servers;

import static dev.tollgate.sample.servers.Tools.requiredText;
import static dev.tollgate.sample.servers.Tools.tool;

import dev.tollgate.json.Json;
import io.modelcontextprotocol.server.McpServerFeatures.SyncToolSpecification;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/** The CRM: customer accounts with their orders. Updates stay for the server's lifetime. */
final class CrmServer implements SampleServer {
    private static final Set<String> UPDATABLE = Set.of("name", "email", "company", "plan", "status");

    private final Map<String, ObjectNode> accounts = new LinkedHashMap<>();
    private final List<ObjectNode> orders;

    CrmServer(SampleDataSet data) {
        data.customers().forEach(c -> accounts.put(c.get("id").asString(), c.deepCopy()));
        this.orders = data.orders();
    }

    @Override
    public String name() {
        return "crm";
    }

    @Override
    public String instructions() {
        return "Customer accounts of Example SaaS Inc. Look customers up by id (C-1001) or e-mail.";
    }

    @Override
    public List<SyncToolSpecification> tools() {
        return List.of(
                tool(
                        "getAccount",
                        "Get account",
                        "Returns one customer account with its orders.",
                        Tools.Kind.READ,
                        false,
                        """
                        {"type":"object","properties":{
                          "customerId":{"type":"string","description":"Customer id, e.g. C-1001"},
                          "email":{"type":"string","description":"Alternatively, the customer's e-mail"}}}""",
                        this::getAccount),
                tool(
                        "updateAccount",
                        "Update account",
                        "Changes fields of a customer account (name, email, company, plan, status).",
                        Tools.Kind.OVERWRITE,
                        false,
                        """
                        {"type":"object","required":["customerId","changes"],"properties":{
                          "customerId":{"type":"string"},
                          "changes":{"type":"object","properties":{
                            "name":{"type":"string"},"email":{"type":"string"},"company":{"type":"string"},
                            "plan":{"type":"string","enum":["trial","starter","business","enterprise"]},
                            "status":{"type":"string","enum":["onboarding","active","past_due","closed"]}},
                            "additionalProperties":false}}}""",
                        this::updateAccount),
                tool(
                        "search",
                        "Search accounts",
                        "Finds customers whose name, e-mail or company contains the query.",
                        Tools.Kind.READ,
                        false,
                        """
                        {"type":"object","required":["query"],"properties":{
                          "query":{"type":"string"},
                          "limit":{"type":"integer","minimum":1,"maximum":50,"default":10}}}""",
                        this::search));
    }

    private synchronized JsonNode getAccount(JsonNode args) {
        ObjectNode account = find(args);
        ObjectNode out = account.deepCopy();
        ArrayNode list = out.putArray("orders");
        String id = account.get("id").asString();
        orders.stream().filter(o -> o.get("customerId").asString().equals(id)).forEach(list::add);
        return out;
    }

    private synchronized JsonNode updateAccount(JsonNode args) {
        ObjectNode account = find(args);
        JsonNode changes = args.path("changes");
        if (!changes.isObject() || changes.isEmpty()) {
            throw new ToolFailure("'changes' must be an object with at least one of " + UPDATABLE);
        }
        for (Map.Entry<String, JsonNode> change : changes.properties()) {
            if (!UPDATABLE.contains(change.getKey())) {
                throw new ToolFailure("field '" + change.getKey() + "' cannot be updated; allowed: " + UPDATABLE);
            }
        }
        changes.properties().forEach(change -> account.set(change.getKey(), change.getValue()));
        return account.deepCopy();
    }

    private synchronized JsonNode search(JsonNode args) {
        String query = requiredText(args, "query").toLowerCase(Locale.ROOT);
        int limit = Math.max(1, Math.min(50, args.path("limit").asInt(10)));
        ObjectNode out = Json.object();
        ArrayNode results = out.putArray("results");
        accounts.values().stream().filter(a -> matches(a, query)).limit(limit).forEach(a -> results.add(summary(a)));
        return out;
    }

    private ObjectNode find(JsonNode args) {
        if (args.hasNonNull("customerId")) {
            String id = args.get("customerId").asString();
            ObjectNode account = accounts.get(id);
            if (account == null) {
                throw new ToolFailure("no customer with id " + id);
            }
            return account;
        }
        if (args.hasNonNull("email")) {
            String email = args.get("email").asString();
            return accounts.values().stream()
                    .filter(a -> a.get("email").asString().equalsIgnoreCase(email))
                    .findFirst()
                    .orElseThrow(() -> new ToolFailure("no customer with e-mail " + email));
        }
        throw new ToolFailure("give either 'customerId' or 'email'");
    }

    private static boolean matches(ObjectNode account, String query) {
        return List.of("name", "email", "company").stream()
                .anyMatch(
                        f -> account.get(f).asString().toLowerCase(Locale.ROOT).contains(query));
    }

    private static ObjectNode summary(ObjectNode account) {
        ObjectNode s = Json.object();
        List.of("id", "name", "email", "company", "plan", "status").forEach(f -> s.set(f, account.get(f)));
        return s;
    }
}
