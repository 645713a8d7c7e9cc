package dev.tollgate.transport;

import dev.tollgate.json.Json;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import tools.jackson.databind.JsonNode;

/** Plain HTTP against the MCP endpoint, so protocol tests see status codes and headers exactly as sent. */
final class RawMcp {
    static final String BOTH = "application/json, text/event-stream";

    private final HttpClient http =
            HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private final URI endpoint;

    RawMcp(URI endpoint) {
        this.endpoint = endpoint;
    }

    /** A request under construction; headers default to what a well-behaved agent sends. */
    final class Call {
        private final String method;
        private final Map<String, String> headers = new LinkedHashMap<>();
        private String body = "";

        Call(String method) {
            this.method = method;
            if (method.equals("POST")) {
                headers.put("Content-Type", "application/json");
                headers.put("Accept", BOTH);
            } else if (method.equals("GET")) {
                headers.put("Accept", "text/event-stream");
            }
        }

        Call header(String name, String value) {
            if (value == null) {
                headers.remove(name);
            } else {
                headers.put(name, value);
            }
            return this;
        }

        Call key(String key) {
            return header("Authorization", "Bearer " + key);
        }

        Call session(String id) {
            return header("Mcp-Session-Id", id);
        }

        Call body(String text) {
            this.body = text;
            return this;
        }

        Call body(JsonNode json) {
            return body(Json.write(json));
        }

        HttpRequest build() {
            HttpRequest.Builder b = HttpRequest.newBuilder(endpoint).timeout(Duration.ofSeconds(20));
            headers.forEach(b::header);
            b.method(
                    method,
                    method.equals("POST")
                            ? HttpRequest.BodyPublishers.ofString(body)
                            : HttpRequest.BodyPublishers.noBody());
            return b.build();
        }

        HttpResponse<String> send() {
            try {
                return http.send(build(), HttpResponse.BodyHandlers.ofString());
            } catch (IOException e) {
                throw new IllegalStateException(e);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException(e);
            }
        }
    }

    Call post() {
        return new Call("POST");
    }

    Call get() {
        return new Call("GET");
    }

    Call delete() {
        return new Call("DELETE");
    }

    Call method(String method) {
        return new Call(method);
    }

    HttpClient client() {
        return http;
    }

    static String request(Object id, String method, String paramsJson) {
        String idText = id instanceof String s ? "\"" + s + "\"" : String.valueOf(id);
        return "{\"jsonrpc\":\"2.0\",\"id\":" + idText + ",\"method\":\"" + method + "\",\"params\":" + paramsJson
                + "}";
    }

    static String initialize(String version) {
        return request(
                1,
                "initialize",
                "{\"protocolVersion\":\"" + version
                        + "\",\"capabilities\":{},\"clientInfo\":{\"name\":\"raw-test\",\"version\":\"1\"}}");
    }

    /** The JSON-RPC messages of a response, whether sent as JSON or as SSE events. */
    static java.util.List<JsonNode> messages(HttpResponse<String> response) {
        String type = response.headers().firstValue("Content-Type").orElse("");
        java.util.List<JsonNode> out = new java.util.ArrayList<>();
        if (type.startsWith("text/event-stream")) {
            for (String line : response.body().split("\n")) {
                if (line.startsWith("data:") && !line.substring(5).isBlank()) {
                    out.add(Json.parse(line.substring(5).trim()));
                }
            }
        } else if (!response.body().isEmpty()) {
            out.add(Json.parse(response.body()));
        }
        return out;
    }
}
