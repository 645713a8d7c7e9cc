package dev.tollgate.sample.servers;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.modelcontextprotocol.client.McpClient;
import io.modelcontextprotocol.client.McpSyncClient;
import io.modelcontextprotocol.client.transport.HttpClientStreamableHttpTransport;
import io.modelcontextprotocol.client.transport.ServerParameters;
import io.modelcontextprotocol.client.transport.StdioClientTransport;
import io.modelcontextprotocol.json.McpJsonDefaults;
import io.modelcontextprotocol.spec.McpSchema;
import io.modelcontextprotocol.spec.McpSchema.CallToolResult;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** Each sample server, reached by the official MCP Java SDK client over stdio and over Streamable HTTP. */
class SampleServerConformanceTest {
    enum Transport {
        STDIO,
        HTTP
    }

    private final List<AutoCloseable> open = new ArrayList<>();

    @AfterEach
    void closeAll() throws Exception {
        for (int i = open.size() - 1; i >= 0; i--) {
            open.get(i).close();
        }
    }

    @ParameterizedTest
    @EnumSource(Transport.class)
    void crmListsHonestToolsAndKeepsUpdates(Transport transport) {
        McpSyncClient crm = connect("crm", transport, SampleServerOptions.NORMAL);

        Map<String, McpSchema.Tool> tools = tools(crm);
        assertThat(tools).containsOnlyKeys("getAccount", "updateAccount", "search");
        assertHints(tools.get("getAccount"), true, false, true);
        assertHints(tools.get("updateAccount"), false, true, true);
        assertHints(tools.get("search"), true, false, true);
        assertThat(tools.get("updateAccount").inputSchema())
                .containsEntry("required", List.of("customerId", "changes"));

        Map<String, Object> account = ok(crm.callTool(call("getAccount", Map.of("customerId", "C-1003"))));
        assertThat(account).containsEntry("name", "Alan Turing");
        assertThat((List<?>) account.get("orders")).hasSize(2);

        ok(crm.callTool(call("updateAccount", Map.of("customerId", "C-1003", "changes", Map.of("plan", "business")))));
        assertThat(ok(crm.callTool(call("getAccount", Map.of("email", "alan@bletchley.example")))))
                .containsEntry("plan", "business");

        Map<String, Object> found = ok(crm.callTool(call("search", Map.of("query", "apollo"))));
        assertThat((List<?>) found.get("results")).hasSize(1);

        CallToolResult unknown = crm.callTool(call("getAccount", Map.of("customerId", "C-9999")));
        assertThat(unknown.isError()).isTrue();
        assertThat(text(unknown)).contains("no customer with id C-9999");
    }

    @ParameterizedTest
    @EnumSource(Transport.class)
    void paymentsShowsARefundInTheHistoryAfterIssuingIt(Transport transport) {
        McpSyncClient payments = connect("payments", transport, SampleServerOptions.NORMAL);

        Map<String, McpSchema.Tool> tools = tools(payments);
        assertThat(tools).containsOnlyKeys("getHistory", "issueRefund", "updatePaymentMethod");
        assertHints(tools.get("getHistory"), true, false, true);
        assertHints(tools.get("issueRefund"), false, true, false);
        assertHints(tools.get("updatePaymentMethod"), false, true, true);

        Map<String, Object> before = ok(payments.callTool(call("getHistory", Map.of("customerId", "C-1003"))));
        assertThat(before).containsEntry("totalRefunded", 0.0);

        Map<String, Object> refund = ok(payments.callTool(
                call("issueRefund", Map.of("orderId", "O-5005", "amount", 49.0, "reason", "duplicate charge"))));
        assertThat(refund).containsEntry("type", "refund").containsEntry("customerId", "C-1003");

        Map<String, Object> after = ok(payments.callTool(call("getHistory", Map.of("customerId", "C-1003"))));
        assertThat(after).containsEntry("totalRefunded", 49.0);
        assertThat((List<?>) after.get("payments")).hasSize(3);

        ok(payments.callTool(call(
                "updatePaymentMethod",
                Map.of("customerId", "C-1003", "method", Map.of("type", "card", "last4", "4444")))));
        assertThat(ok(payments.callTool(call("getHistory", Map.of("customerId", "C-1003")))))
                .containsKey("paymentMethod");

        CallToolResult tooMuch = payments.callTool(call("issueRefund", Map.of("orderId", "O-5005", "amount", 500.0)));
        assertThat(tooMuch.isError()).isTrue();
        assertThat(text(tooMuch)).contains("exceeds the order amount");
    }

    @ParameterizedTest
    @EnumSource(Transport.class)
    void ticketsAreCreatedEscalatedAndRead(Transport transport) {
        McpSyncClient tickets = connect("tickets", transport, SampleServerOptions.NORMAL);

        Map<String, McpSchema.Tool> tools = tools(tickets);
        assertThat(tools).containsOnlyKeys("create", "escalate", "get");
        assertHints(tools.get("create"), false, false, false);
        assertHints(tools.get("escalate"), false, true, true);
        assertHints(tools.get("get"), true, false, true);

        Map<String, Object> created = ok(tickets.callTool(call(
                "create", Map.of("customerId", "C-1004", "subject", "Cannot export invoices", "priority", "high"))));
        String id = (String) created.get("id");
        assertThat(created).containsEntry("level", "L1");

        ok(tickets.callTool(call("escalate", Map.of("ticketId", id, "reason", "customer is blocked"))));
        Map<String, Object> read = ok(tickets.callTool(call("get", Map.of("ticketId", id))));
        assertThat(read).containsEntry("level", "L2");
        assertThat((List<?>) read.get("history")).hasSize(2);
    }

    @ParameterizedTest
    @EnumSource(Transport.class)
    void calendarBooksMeetingsAndRefusesOverlaps(Transport transport) {
        McpSyncClient calendar = connect("calendar", transport, SampleServerOptions.NORMAL);

        Map<String, McpSchema.Tool> tools = tools(calendar);
        assertThat(tools).containsOnlyKeys("schedule", "list");
        assertHints(tools.get("schedule"), false, false, false);
        assertHints(tools.get("list"), true, false, true);

        ok(calendar.callTool(call(
                "schedule",
                Map.of(
                        "title",
                        "NewCo kick-off",
                        "start",
                        "2026-12-01T15:00:00Z",
                        "durationMinutes",
                        45,
                        "attendees",
                        List.of("linus@newco.example", "onboarding@example.com")))));
        CallToolResult clash = calendar.callTool(call(
                "schedule",
                Map.of(
                        "title",
                        "Other",
                        "start",
                        "2026-12-01T15:30:00Z",
                        "attendees",
                        List.of("linus@newco.example"))));
        assertThat(clash.isError()).isTrue();

        Map<String, Object> listed = ok(calendar.callTool(call("list", Map.of("attendee", "linus@newco.example"))));
        assertThat((List<?>) listed.get("events")).hasSize(1);
    }

    @ParameterizedTest
    @EnumSource(Transport.class)
    void aRefundThatTimesOutStillMovesTheMoney(Transport transport) {
        McpSyncClient payments =
                connect("payments", transport, SampleServerOptions.refundTimeouts(Duration.ofMillis(10)));

        CallToolResult refund = payments.callTool(call("issueRefund", Map.of("orderId", "O-5004", "amount", 49.0)));

        assertThat(refund.isError()).isTrue();
        assertThat(text(refund)).startsWith("timeout:");
        Map<String, Object> history = ok(payments.callTool(call("getHistory", Map.of("customerId", "C-1003"))));
        assertThat(history).containsEntry("totalRefunded", 49.0);
    }

    @Test
    void paymentsOverHttpRefusesCallersWithoutItsToken() {
        HttpSampleServer server = HttpSampleServer.start(
                SampleServer.named("payments", SampleServerOptions.NORMAL), 0, Optional.of("s3cret"));
        open.add(server);

        McpSyncClient anonymous = McpClient.sync(HttpClientStreamableHttpTransport.builder(
                                server.endpoint().toString().replace("/mcp", ""))
                        .endpoint("/mcp")
                        .build())
                .requestTimeout(Duration.ofSeconds(10))
                .build();
        open.add(anonymous);
        assertThatThrownBy(anonymous::initialize).isInstanceOf(RuntimeException.class);

        McpSyncClient authorised = httpClient(server, Optional.of("s3cret"));
        assertThat(tools(authorised)).containsKey("issueRefund");
    }

    private McpSyncClient connect(String name, Transport transport, SampleServerOptions options) {
        if (transport == Transport.HTTP) {
            HttpSampleServer server = HttpSampleServer.start(SampleServer.named(name, options), 0, Optional.empty());
            open.add(server);
            return httpClient(server, Optional.empty());
        }
        List<String> args = new ArrayList<>(List.of(
                "-cp", System.getProperty("java.class.path"), SampleServerMain.class.getName(), name, "--stdio"));
        if (options.refundTimeouts()) {
            args.add("--simulate-refund-timeout=" + options.refundDelay().toMillis());
        }
        ServerParameters params = ServerParameters.builder(
                        Path.of(System.getProperty("java.home"), "bin", "java").toString())
                .args(args)
                .build();
        McpSyncClient client = McpClient.sync(new StdioClientTransport(params, McpJsonDefaults.getMapper()))
                .requestTimeout(Duration.ofSeconds(30))
                .initializationTimeout(Duration.ofSeconds(60))
                .build();
        // close() only starts stopping the server process; a graceful close waits until it has exited, so the last
        // test's server does not outlive the test JVM.
        open.add(client::closeGracefully);
        client.initialize();
        return client;
    }

    private McpSyncClient httpClient(HttpSampleServer server, Optional<String> token) {
        String base = server.endpoint().toString().replace("/mcp", "");
        HttpClientStreamableHttpTransport.Builder transport =
                HttpClientStreamableHttpTransport.builder(base).endpoint("/mcp");
        token.ifPresent(t -> transport.httpRequestCustomizer(
                (request, method, uri, body, context) -> request.header("Authorization", "Bearer " + t)));
        McpSyncClient client = McpClient.sync(transport.build())
                .requestTimeout(Duration.ofSeconds(10))
                .build();
        open.add(client);
        client.initialize();
        return client;
    }

    private static Map<String, McpSchema.Tool> tools(McpSyncClient client) {
        return client.listTools().tools().stream().collect(Collectors.toMap(McpSchema.Tool::name, Function.identity()));
    }

    private static void assertHints(McpSchema.Tool tool, boolean readOnly, boolean destructive, boolean idempotent) {
        McpSchema.ToolAnnotations a = tool.annotations();
        assertThat(a.readOnlyHint()).as(tool.name() + " readOnly").isEqualTo(readOnly);
        assertThat(a.destructiveHint()).as(tool.name() + " destructive").isEqualTo(destructive);
        assertThat(a.idempotentHint()).as(tool.name() + " idempotent").isEqualTo(idempotent);
        assertThat(tool.inputSchema()).containsEntry("type", "object");
        assertThat(tool.description()).isNotBlank();
    }

    private static McpSchema.CallToolRequest call(String tool, Map<String, Object> args) {
        return new McpSchema.CallToolRequest(tool, args);
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> ok(CallToolResult result) {
        assertThat(result.isError()).as(text(result)).isFalse();
        return (Map<String, Object>) result.structuredContent();
    }

    private static String text(CallToolResult result) {
        return result.content().stream()
                .filter(c -> c instanceof McpSchema.TextContent)
                .map(c -> ((McpSchema.TextContent) c).text())
                .collect(Collectors.joining("\n"));
    }
}
