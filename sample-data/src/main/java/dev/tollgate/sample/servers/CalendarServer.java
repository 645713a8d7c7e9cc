package dev.tollgate.sample.servers;

import static dev.tollgate.sample.servers.Tools.requiredText;
import static dev.tollgate.sample.servers.Tools.tool;

import dev.tollgate.json.Json;
import io.modelcontextprotocol.server.McpServerFeatures.SyncToolSpecification;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/** The team calendar: meetings with customers (kick-off calls, reviews). */
final class CalendarServer implements SampleServer {
    private final List<ObjectNode> events = new ArrayList<>();
    private int nextId = 701;

    @Override
    public String name() {
        return "calendar";
    }

    @Override
    public String instructions() {
        return "Team calendar. Times are ISO-8601 instants in UTC.";
    }

    @Override
    public List<SyncToolSpecification> tools() {
        return List.of(
                tool(
                        "schedule",
                        "Schedule meeting",
                        "Books a meeting; refuses one that overlaps an attendee's meeting.",
                        Tools.Kind.ADD,
                        false,
                        """
                        {"type":"object","required":["title","start","attendees"],"properties":{
                          "title":{"type":"string"},
                          "start":{"type":"string","format":"date-time"},
                          "durationMinutes":{"type":"integer","minimum":5,"maximum":480,"default":30},
                          "attendees":{"type":"array","items":{"type":"string"},"minItems":1}}}""",
                        this::schedule),
                tool(
                        "list",
                        "List meetings",
                        "Lists meetings, optionally of one attendee and within a time range.",
                        Tools.Kind.READ,
                        false,
                        """
                        {"type":"object","properties":{
                          "attendee":{"type":"string"},
                          "from":{"type":"string","format":"date-time"},
                          "to":{"type":"string","format":"date-time"}}}""",
                        this::list));
    }

    private synchronized JsonNode schedule(JsonNode args) {
        String title = requiredText(args, "title");
        Instant start = instant(args, "start").orElseThrow(() -> new ToolFailure("'start' is required"));
        int minutes = args.path("durationMinutes").asInt(30);
        if (minutes < 5 || minutes > 480) {
            throw new ToolFailure("durationMinutes must be between 5 and 480");
        }
        JsonNode attendees = args.path("attendees");
        if (!attendees.isArray() || attendees.isEmpty()) {
            throw new ToolFailure("'attendees' must list at least one attendee");
        }
        Instant end = start.plusSeconds(60L * minutes);
        for (ObjectNode other : events) {
            Instant otherStart = Instant.parse(other.get("start").asString());
            Instant otherEnd = Instant.parse(other.get("end").asString());
            boolean overlaps = start.isBefore(otherEnd) && otherStart.isBefore(end);
            if (overlaps && shareAttendee(attendees, other.get("attendees"))) {
                throw new ToolFailure("overlaps " + other.get("id").asString() + " ("
                        + other.get("title").asString() + ") for a shared attendee");
            }
        }
        ObjectNode event = Json.object();
        event.put("id", String.format(Locale.ROOT, "E-%d", nextId++));
        event.put("title", title);
        event.put("start", start.toString());
        event.put("end", end.toString());
        event.set("attendees", attendees.deepCopy());
        events.add(event);
        return event.deepCopy();
    }

    private synchronized JsonNode list(JsonNode args) {
        Optional<String> attendee =
                args.hasNonNull("attendee") ? Optional.of(args.get("attendee").asString()) : Optional.empty();
        Optional<Instant> from = instant(args, "from");
        Optional<Instant> to = instant(args, "to");
        ObjectNode out = Json.object();
        ArrayNode list = out.putArray("events");
        events.stream()
                .filter(e -> attendee.isEmpty() || contains(e.get("attendees"), attendee.get()))
                .filter(e -> from.isEmpty()
                        || !Instant.parse(e.get("end").asString()).isBefore(from.get()))
                .filter(e ->
                        to.isEmpty() || Instant.parse(e.get("start").asString()).isBefore(to.get()))
                .sorted(Comparator.comparing(e -> e.get("start").asString()))
                .forEach(e -> list.add(e.deepCopy()));
        return out;
    }

    private static Optional<Instant> instant(JsonNode args, String field) {
        if (!args.hasNonNull(field)) {
            return Optional.empty();
        }
        try {
            return Optional.of(Instant.parse(args.get(field).asString()));
        } catch (DateTimeParseException e) {
            throw new ToolFailure("'" + field + "' must be an ISO-8601 instant like 2026-12-01T15:00:00Z");
        }
    }

    private static boolean shareAttendee(JsonNode a, JsonNode b) {
        for (JsonNode x : a) {
            if (contains(b, x.asString())) {
                return true;
            }
        }
        return false;
    }

    private static boolean contains(JsonNode array, String value) {
        for (JsonNode x : array) {
            if (x.asString().equalsIgnoreCase(value)) {
                return true;
            }
        }
        return false;
    }
}
