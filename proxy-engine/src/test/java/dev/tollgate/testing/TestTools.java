package dev.tollgate.testing;

import io.modelcontextprotocol.spec.McpSchema;
import io.modelcontextprotocol.spec.McpSchema.CallToolRequest;
import io.modelcontextprotocol.spec.McpSchema.CallToolResult;
import io.modelcontextprotocol.spec.McpSchema.ProgressNotification;
import io.modelcontextprotocol.spec.McpSchema.Tool;
import io.modelcontextprotocol.spec.McpSchema.ToolAnnotations;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import tools.jackson.databind.json.JsonMapper;

/**
 * The test tools shared by {@link McpTestServer} (HTTP) and {@link StdioTestServerMain} (stdio), written once
 * against a transport-neutral {@link Behaviour} so both flavours answer identically.
 */
final class TestTools {
    /** Every tool name the test servers know, in listing order. */
    static final List<String> ALL = List.of("echo", "add", "charge", "slow", "fail", "progress", "whoami");

    static final String RESOURCE_URI = "test://readme";
    static final String RESOURCE_TEXT = "hello from the test server";
    static final String PROMPT_NAME = "greeting";

    private TestTools() {}

    /** What one tool does, given the call, the request headers it arrived with, and a progress sink. */
    interface Behaviour {
        CallToolResult apply(
                CallToolRequest request, Map<String, String> headers, Consumer<ProgressNotification> progress);
    }

    /** A tool definition (already carrying its prefixed name) and its behaviour. */
    record TestTool(Tool tool, Behaviour behaviour) {}

    static List<TestTool> build(String prefix, Set<String> names, AtomicInteger charges) {
        List<TestTool> tools = new ArrayList<>();
        for (String name : ALL) {
            if (names.contains(name)) {
                tools.add(create(prefix, name, charges));
            }
        }
        return tools;
    }

    static TestTool create(String prefix, String name, AtomicInteger charges) {
        switch (name) {
            case "echo":
                return new TestTool(
                        tool(
                                prefix + name,
                                "Returns its text argument.",
                                readOnly(),
                                schema(Map.of("text", Map.of("type", "string")), List.of("text"))),
                        (req, headers, progress) ->
                                text(String.valueOf(req.arguments().get("text"))));
            case "add":
                return new TestTool(
                        tool(
                                prefix + name,
                                "Adds two numbers.",
                                readOnly(),
                                schema(
                                        Map.of("a", Map.of("type", "number"), "b", Map.of("type", "number")),
                                        List.of("a", "b"))),
                        (req, headers, progress) -> text(formatNumber(number(req, "a") + number(req, "b"))));
            case "charge":
                return new TestTool(
                        tool(
                                prefix + name,
                                "Charges a card. Moves money.",
                                destructive(),
                                schema(Map.of("amount", Map.of("type", "number")), List.of("amount"))),
                        (req, headers, progress) -> {
                            int n = charges.incrementAndGet();
                            return text("receipt-" + n + " amount=" + formatNumber(number(req, "amount")));
                        });
            case "slow":
                return new TestTool(
                        tool(
                                prefix + name,
                                "Sleeps ms milliseconds, then answers.",
                                readOnly(),
                                schema(Map.of("ms", Map.of("type", "integer")), List.of("ms"))),
                        (req, headers, progress) -> {
                            long ms = (long) number(req, "ms");
                            try {
                                Thread.sleep(ms);
                            } catch (InterruptedException e) {
                                Thread.currentThread().interrupt();
                                return error("interrupted");
                            }
                            return text("slept " + ms + " ms");
                        });
            case "fail":
                return new TestTool(
                        tool(
                                prefix + name,
                                "Always fails with a tool error.",
                                readOnly(),
                                schema(Map.of("reason", Map.of("type", "string")), List.of())),
                        (req, headers, progress) ->
                                error("failure requested: " + req.arguments().getOrDefault("reason", "no reason")));
            case "progress":
                return new TestTool(
                        tool(
                                prefix + name,
                                "Reports progress for each step, then answers.",
                                readOnly(),
                                schema(Map.of("steps", Map.of("type", "integer")), List.of())),
                        (req, headers, progress) -> {
                            int steps = req.arguments().containsKey("steps") ? (int) number(req, "steps") : 3;
                            Object token =
                                    req.meta() == null ? null : req.meta().get("progressToken");
                            if (token != null) {
                                for (int i = 1; i <= steps; i++) {
                                    progress.accept(new ProgressNotification(token, i, (double) steps, "step " + i));
                                }
                            }
                            return text("done " + steps + " steps");
                        });
            case "whoami":
                return new TestTool(
                        tool(
                                prefix + name,
                                "Returns the HTTP request headers and the requested environment variables the server saw.",
                                readOnly(),
                                schema(
                                        Map.of("env", Map.of("type", "array", "items", Map.of("type", "string"))),
                                        List.of())),
                        (req, headers, progress) -> {
                            Map<String, Object> seen = new TreeMap<>();
                            seen.put("headers", new TreeMap<>(headers));
                            Map<String, String> env = new TreeMap<>();
                            Object wanted = req.arguments().get("env");
                            if (wanted instanceof List<?> list) {
                                for (Object n : list) {
                                    String v = System.getenv(String.valueOf(n));
                                    env.put(String.valueOf(n), v == null ? "" : v);
                                }
                            }
                            seen.put("env", env);
                            return CallToolResult.builder()
                                    .addTextContent(toJson(seen))
                                    .structuredContent(seen)
                                    .isError(false)
                                    .build();
                        });
            default:
                throw new IllegalArgumentException("unknown test tool '" + name + "'; known: " + ALL);
        }
    }

    static McpSchema.Resource resource() {
        return McpSchema.Resource.builder()
                .uri(RESOURCE_URI)
                .name("readme")
                .mimeType("text/plain")
                .description("A fixed text document.")
                .build();
    }

    static McpSchema.ReadResourceResult readResource() {
        return new McpSchema.ReadResourceResult(
                List.of(new McpSchema.TextResourceContents(RESOURCE_URI, "text/plain", RESOURCE_TEXT)));
    }

    static McpSchema.Prompt prompt() {
        return new McpSchema.Prompt(
                PROMPT_NAME,
                "Greets someone by name.",
                List.of(new McpSchema.PromptArgument("name", "Who to greet", true)));
    }

    static McpSchema.GetPromptResult getPrompt(McpSchema.GetPromptRequest request) {
        Object who = request.arguments() == null ? "world" : request.arguments().getOrDefault("name", "world");
        return new McpSchema.GetPromptResult(
                "A greeting",
                List.of(new McpSchema.PromptMessage(
                        McpSchema.Role.USER, new McpSchema.TextContent("Say hello to " + who + "."))));
    }

    static McpSchema.ServerCapabilities capabilities() {
        return McpSchema.ServerCapabilities.builder()
                .tools(true)
                .resources(true, true)
                .prompts(true)
                .logging()
                .build();
    }

    private static Tool tool(
            String name, String description, ToolAnnotations annotations, McpSchema.JsonSchema schema) {
        return Tool.builder()
                .name(name)
                .description(description)
                .annotations(annotations)
                .inputSchema(schema)
                .build();
    }

    private static McpSchema.JsonSchema schema(Map<String, Object> properties, List<String> required) {
        return new McpSchema.JsonSchema("object", properties, required, null, null, null);
    }

    private static ToolAnnotations readOnly() {
        return ToolAnnotations.builder()
                .readOnlyHint(true)
                .destructiveHint(false)
                .idempotentHint(true)
                .openWorldHint(false)
                .build();
    }

    private static ToolAnnotations destructive() {
        return ToolAnnotations.builder()
                .readOnlyHint(false)
                .destructiveHint(true)
                .idempotentHint(false)
                .openWorldHint(true)
                .build();
    }

    private static double number(CallToolRequest request, String key) {
        Object v = request.arguments().get(key);
        if (v instanceof Number n) {
            return n.doubleValue();
        }
        throw new IllegalArgumentException("argument '" + key + "' must be a number, got " + v);
    }

    private static String formatNumber(double d) {
        return d == Math.rint(d) ? Long.toString((long) d) : Double.toString(d);
    }

    private static CallToolResult text(String text) {
        return CallToolResult.builder().addTextContent(text).isError(false).build();
    }

    private static CallToolResult error(String text) {
        return CallToolResult.builder().addTextContent(text).isError(true).build();
    }

    private static String toJson(Object value) {
        return JsonMapper.builder().build().writeValueAsString(value);
    }
}
