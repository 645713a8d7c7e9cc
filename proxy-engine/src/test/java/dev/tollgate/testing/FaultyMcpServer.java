package dev.tollgate.testing;

import dev.tollgate.json.Json;
import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * A small MCP server over Streamable HTTP (JSON answers, one tool {@code echo}) written on a bare socket so it
 * can misbehave the way real servers do: close idle keep-alive connections, die and come back on the same port
 * (forgetting its sessions), hang, answer garbage, answer with the wrong JSON-RPC id, or fail with HTTP 500.
 * {@link #fault(Fault)} switches the behaviour of later {@code tools/call} requests at any time.
 */
public final class FaultyMcpServer implements AutoCloseable {
    /** How {@code tools/call} is answered. */
    public enum Fault {
        NONE,
        HANG,
        GARBAGE,
        WRONG_ID,
        HTTP_500,
        CLOSE_MID_ANSWER
    }

    private final int port;
    private final Duration idleClose;
    private final Set<Socket> connections = ConcurrentHashMap.newKeySet();
    private final AtomicInteger generation = new AtomicInteger();
    private final AtomicInteger toolCalls = new AtomicInteger();
    private volatile Fault fault = Fault.NONE;
    private volatile CountDownLatch release = new CountDownLatch(1);
    private volatile ServerSocket server;

    private FaultyMcpServer(int port, Duration idleClose) {
        this.port = port;
        this.idleClose = idleClose;
    }

    /** Starts on a free loopback port; connections idle for {@code idleClose} are closed by the server. */
    public static FaultyMcpServer start(Duration idleClose) {
        FaultyMcpServer s = new FaultyMcpServer(NpmPeers.freePort(), idleClose);
        s.start();
        return s;
    }

    /** Listens (again) on this server's port, as a new process would: sessions from before are unknown. */
    public synchronized void start() {
        try {
            ServerSocket socket = new ServerSocket();
            socket.setReuseAddress(true);
            socket.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), port));
            server = socket;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        int gen = generation.incrementAndGet();
        ServerSocket listening = server;
        Thread acceptor = new Thread(() -> accept(listening, gen), "faulty-mcp-accept");
        acceptor.setDaemon(true);
        acceptor.start();
    }

    /** Stops listening and drops every connection at once, like a killed process. */
    public synchronized void kill() {
        try {
            if (server != null) {
                server.close();
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        for (Socket s : connections) {
            closeQuietly(s);
        }
        connections.clear();
        release.countDown();
    }

    public void fault(Fault next) {
        if (next != Fault.HANG) {
            release.countDown();
        } else {
            release = new CountDownLatch(1);
        }
        this.fault = next;
    }

    /** How many tools/call requests reached this server (all generations). */
    public int toolCalls() {
        return toolCalls.get();
    }

    public String url() {
        return "http://127.0.0.1:" + port + "/mcp";
    }

    public int port() {
        return port;
    }

    private void accept(ServerSocket listening, int gen) {
        while (!listening.isClosed()) {
            try {
                Socket s = listening.accept();
                connections.add(s);
                Thread t = new Thread(() -> serve(s, gen), "faulty-mcp-conn");
                t.setDaemon(true);
                t.start();
            } catch (IOException e) {
                return;
            }
        }
    }

    private void serve(Socket socket, int gen) {
        try (socket) {
            socket.setSoTimeout((int) idleClose.toMillis());
            InputStream in = new BufferedInputStream(socket.getInputStream());
            OutputStream out = socket.getOutputStream();
            while (true) {
                Map<String, String> headers = new LinkedHashMap<>();
                String requestLine;
                try {
                    requestLine = readLine(in);
                } catch (SocketTimeoutException idle) {
                    return; // the keep-alive timeout: close the idle connection, as Node does
                }
                if (requestLine == null || requestLine.isEmpty()) {
                    return;
                }
                String line;
                while ((line = readLine(in)) != null && !line.isEmpty()) {
                    int colon = line.indexOf(':');
                    headers.put(
                            line.substring(0, colon).trim().toLowerCase(Locale.ROOT),
                            line.substring(colon + 1).trim());
                }
                byte[] body = in.readNBytes(Integer.parseInt(headers.getOrDefault("content-length", "0")));
                socket.setSoTimeout(0);
                if (!answer(requestLine.split(" ")[0], headers, new String(body, StandardCharsets.UTF_8), out, gen)) {
                    return;
                }
                socket.setSoTimeout((int) idleClose.toMillis());
            }
        } catch (IOException e) {
            // the peer went away or the server was killed
        } finally {
            connections.remove(socket);
        }
    }

    /** Writes one answer; false when the connection must close afterwards. */
    private boolean answer(String method, Map<String, String> headers, String body, OutputStream out, int gen)
            throws IOException {
        String session = "session-" + gen;
        if (method.equals("GET")) {
            return write(out, 405, "", Map.of());
        }
        if (method.equals("DELETE")) {
            return write(out, 200, "", Map.of());
        }
        JsonNode message = Json.parse(body);
        String rpcMethod = message.path("method").asString("");
        if (!rpcMethod.equals("initialize") && !session.equals(headers.get("mcp-session-id"))) {
            return write(out, 404, "", Map.of());
        }
        if (!message.has("id")) {
            return write(out, 202, "", Map.of());
        }
        ObjectNode answer = Json.object();
        answer.put("jsonrpc", "2.0");
        answer.set("id", message.get("id"));
        ObjectNode result = answer.putObject("result");
        switch (rpcMethod) {
            case "initialize" -> {
                result.put("protocolVersion", "2025-06-18");
                result.putObject("capabilities").putObject("tools");
                result.putObject("serverInfo").put("name", "faulty").put("version", "1");
                return write(out, 200, Json.write(answer), Map.of("Mcp-Session-Id", session));
            }
            case "tools/list" -> {
                ObjectNode echo = result.putArray("tools").addObject();
                echo.put("name", "echo");
                echo.putObject("inputSchema").put("type", "object");
                return write(out, 200, Json.write(answer), Map.of());
            }
            case "tools/call" -> {
                toolCalls.incrementAndGet();
                return toolCall(message, answer, result, out);
            }
            default -> {
                return write(out, 200, Json.write(answer), Map.of());
            }
        }
    }

    private boolean toolCall(JsonNode message, ObjectNode answer, ObjectNode result, OutputStream out)
            throws IOException {
        String text = message.path("params").path("arguments").path("text").asString("");
        result.putArray("content").addObject().put("type", "text").put("text", text);
        switch (fault) {
            case HANG -> {
                try {
                    release.await();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
                return false;
            }
            case GARBAGE -> {
                return write(out, 200, "{\"jsonrpc\": \"2.0\", garbage <html>", Map.of());
            }
            case WRONG_ID -> {
                answer.put("id", 987_654_321);
                return write(out, 200, Json.write(answer), Map.of());
            }
            case HTTP_500 -> {
                return write(out, 500, "internal error", Map.of());
            }
            case CLOSE_MID_ANSWER -> {
                out.write(
                        ("HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 500\r\n\r\n{\"jsonrpc\"")
                                .getBytes(StandardCharsets.UTF_8));
                out.flush();
                return false;
            }
            default -> {
                return write(out, 200, Json.write(answer), Map.of());
            }
        }
    }

    private static boolean write(OutputStream out, int status, String body, Map<String, String> extra)
            throws IOException {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        StringBuilder head = new StringBuilder("HTTP/1.1 ")
                .append(status)
                .append(status == 200 ? " OK" : " Status")
                .append("\r\nContent-Length: ")
                .append(bytes.length)
                .append("\r\n");
        if (!body.isEmpty()) {
            head.append("Content-Type: ")
                    .append(body.startsWith("{") ? "application/json" : "text/html")
                    .append("\r\n");
        }
        extra.forEach((k, v) -> head.append(k).append(": ").append(v).append("\r\n"));
        out.write(head.append("\r\n").toString().getBytes(StandardCharsets.UTF_8));
        out.write(bytes);
        out.flush();
        return true;
    }

    private static String readLine(InputStream in) throws IOException {
        ByteArrayOutputStream line = new ByteArrayOutputStream();
        int c;
        while ((c = in.read()) != -1) {
            if (c == '\n') {
                break;
            }
            if (c != '\r') {
                line.write(c);
            }
        }
        return c == -1 && line.size() == 0 ? null : line.toString(StandardCharsets.UTF_8);
    }

    private static void closeQuietly(Socket s) {
        try {
            s.close();
        } catch (IOException e) {
            // already closed
        }
    }

    @Override
    public void close() {
        kill();
    }
}
