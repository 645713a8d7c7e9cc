package dev.tollgate.sample.servers;

import static dev.tollgate.sample.servers.Tools.requiredText;
import static dev.tollgate.sample.servers.Tools.tool;

import dev.tollgate.json.Json;
import io.modelcontextprotocol.server.McpServerFeatures.SyncToolSpecification;
import java.time.Clock;
import java.time.Instant;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/** The help desk: support tickets that can be opened, escalated and read. */
final class TicketsServer implements SampleServer {
    private static final List<String> LEVELS = List.of("L1", "L2", "L3");

    private final Map<String, ObjectNode> tickets = new LinkedHashMap<>();
    private final Set<String> customers = new HashSet<>();
    private final Clock clock = Clock.systemUTC();
    private int nextId = 301;

    TicketsServer(SampleDataSet data) {
        data.customers().forEach(c -> customers.add(c.get("id").asString()));
    }

    @Override
    public String name() {
        return "tickets";
    }

    @Override
    public String instructions() {
        return "Support tickets. New tickets start at level L1; escalation moves them up to L3.";
    }

    @Override
    public List<SyncToolSpecification> tools() {
        return List.of(
                tool(
                        "create",
                        "Create ticket",
                        "Opens a support ticket for a customer.",
                        Tools.Kind.ADD,
                        false,
                        """
                        {"type":"object","required":["customerId","subject"],"properties":{
                          "customerId":{"type":"string"},
                          "subject":{"type":"string"},
                          "description":{"type":"string"},
                          "priority":{"type":"string","enum":["low","normal","high","urgent"],"default":"normal"}}}""",
                        this::create),
                tool(
                        "escalate",
                        "Escalate ticket",
                        "Moves a ticket to the next support level (L1, L2, L3).",
                        Tools.Kind.OVERWRITE,
                        false,
                        """
                        {"type":"object","required":["ticketId","reason"],"properties":{
                          "ticketId":{"type":"string"},
                          "reason":{"type":"string"},
                          "level":{"type":"string","enum":["L2","L3"]}}}""",
                        this::escalate),
                tool(
                        "get",
                        "Get ticket",
                        "Returns a ticket with its history.",
                        Tools.Kind.READ,
                        false,
                        """
                        {"type":"object","required":["ticketId"],"properties":{"ticketId":{"type":"string"}}}""",
                        this::get));
    }

    private synchronized JsonNode create(JsonNode args) {
        String customer = requiredText(args, "customerId");
        if (!customers.contains(customer)) {
            throw new ToolFailure("no customer with id " + customer);
        }
        String priority = args.path("priority").asString("normal");
        if (!List.of("low", "normal", "high", "urgent").contains(priority)) {
            throw new ToolFailure("priority must be low, normal, high or urgent, not '" + priority + "'");
        }
        ObjectNode ticket = Json.object();
        ticket.put("id", String.format(Locale.ROOT, "T-%d", nextId++));
        ticket.put("customerId", customer);
        ticket.put("subject", requiredText(args, "subject"));
        ticket.put("description", args.path("description").asString(""));
        ticket.put("priority", priority);
        ticket.put("level", "L1");
        ticket.put("status", "open");
        ticket.put("createdAt", Instant.now(clock).toString());
        ticket.putArray("history")
                .addObject()
                .put("at", Instant.now(clock).toString())
                .put("event", "opened");
        tickets.put(ticket.get("id").asString(), ticket);
        return ticket.deepCopy();
    }

    private synchronized JsonNode escalate(JsonNode args) {
        ObjectNode ticket = find(args);
        String reason = requiredText(args, "reason");
        int current = LEVELS.indexOf(ticket.get("level").asString());
        String target = args.hasNonNull("level")
                ? args.get("level").asString()
                : LEVELS.get(Math.min(current + 1, LEVELS.size() - 1));
        if (LEVELS.indexOf(target) < 0) {
            throw new ToolFailure("level must be L2 or L3, not '" + target + "'");
        }
        if (LEVELS.indexOf(target) > current) {
            ticket.put("level", target);
            ((ArrayNode) ticket.get("history"))
                    .addObject()
                    .put("at", Instant.now(clock).toString())
                    .put("event", "escalated to " + target)
                    .put("reason", reason);
        }
        return ticket.deepCopy();
    }

    private synchronized JsonNode get(JsonNode args) {
        return find(args).deepCopy();
    }

    private ObjectNode find(JsonNode args) {
        String id = requiredText(args, "ticketId");
        ObjectNode ticket = tickets.get(id);
        if (ticket == null) {
            throw new ToolFailure("no ticket with id " + id);
        }
        return ticket;
    }
}
