package dev.tollgate.upstream;

import com.sun.net.httpserver.HttpServer;
import dev.tollgate.json.Json;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * A minimal hand-written MCP server over HTTP (JSON answers, no sessions) that lists its tools in pages,
 * which the SDK test server never does; for pagination tests.
 */
final class PagingMcpServer implements AutoCloseable {
    private final HttpServer http;
    private final int toolCount;
    private final int pageSize;
    private final List<String> cursorsSeen = new CopyOnWriteArrayList<>();

    PagingMcpServer(int toolCount, int pageSize) throws IOException {
        this.toolCount = toolCount;
        this.pageSize = pageSize;
        http = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        http.createContext("/mcp", exchange -> {
            JsonNode request = Json.parse(new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8));
            if (!request.has("id")) {
                exchange.sendResponseHeaders(202, -1);
                exchange.close();
                return;
            }
            ObjectNode response = Json.object();
            response.put("jsonrpc", "2.0");
            response.set("id", request.get("id"));
            ObjectNode result = response.putObject("result");
            String method = request.path("method").asString();
            if ("initialize".equals(method)) {
                result.put("protocolVersion", "2025-06-18");
                result.putObject("capabilities").putObject("tools");
                result.putObject("serverInfo").put("name", "paging").put("version", "1");
            } else if ("tools/list".equals(method)) {
                String cursor = request.path("params").path("cursor").asString("0");
                cursorsSeen.add(cursor);
                int start = Integer.parseInt(cursor);
                ArrayNode tools = result.putArray("tools");
                for (int i = start; i < Math.min(start + pageSize, toolCount); i++) {
                    ObjectNode tool = tools.addObject();
                    tool.put("name", "tool" + i);
                    tool.putObject("inputSchema").put("type", "object");
                }
                if (start + pageSize < toolCount) {
                    result.put("nextCursor", Integer.toString(start + pageSize));
                }
            }
            byte[] body = Json.write(response).getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().add("Content-Type", "application/json");
            exchange.sendResponseHeaders(200, body.length);
            exchange.getResponseBody().write(body);
            exchange.close();
        });
        http.start();
    }

    String url() {
        return "http://127.0.0.1:" + http.getAddress().getPort() + "/mcp";
    }

    /** The cursors tools/list was asked for ("0" for the first page). */
    List<String> cursorsSeen() {
        return List.copyOf(cursorsSeen);
    }

    @Override
    public void close() {
        http.stop(0);
    }
}
