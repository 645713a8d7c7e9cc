package dev.tollgate.admin;

import dev.tollgate.json.Json;
import java.io.IOException;
import java.net.URI;
import java.time.Duration;
import okhttp3.MediaType;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.RequestBody;
import okhttp3.Response;
import okhttp3.ResponseBody;
import okhttp3.sse.EventSource;
import okhttp3.sse.EventSourceListener;
import okhttp3.sse.EventSources;
import tools.jackson.databind.JsonNode;

/** HTTP to a remote instance's admin listener, with its bearer token on every request. */
final class AdminClient {
    private static final MediaType TEXT = MediaType.get("text/plain; charset=utf-8");

    private final URI base;
    private final String token;
    private final OkHttpClient http;

    AdminClient(URI base, String token) {
        String text = base.toString().replaceAll("/+$", "");
        this.base = URI.create(text.endsWith("/admin") ? text.substring(0, text.length() - "/admin".length()) : text);
        this.token = token;
        this.http = new OkHttpClient.Builder()
                .connectTimeout(Duration.ofSeconds(5))
                .readTimeout(Duration.ofSeconds(30))
                .build();
    }

    URI base() {
        return base;
    }

    JsonNode getJson(String path) throws IOException {
        return Json.parse(send(request(path).get(), path));
    }

    String getText(String path) throws IOException {
        return send(request(path).get(), path);
    }

    String post(String path, String body) throws IOException {
        return send(request(path).post(RequestBody.create(body, TEXT)), path);
    }

    String put(String path, String body, String header, String value) throws IOException {
        return send(request(path).header(header, value).put(RequestBody.create(body, TEXT)), path);
    }

    /** Opens the event stream; the listener hears each {@code data:} line and the stream's end or failure. */
    EventSource events(EventSourceListener listener) {
        OkHttpClient streaming =
                http.newBuilder().readTimeout(Duration.ofSeconds(60)).build();
        return EventSources.createFactory(streaming)
                .newEventSource(
                        request("/admin/events")
                                .header("Accept", "text/event-stream")
                                .build(),
                        listener);
    }

    void close() {
        http.dispatcher().executorService().shutdown();
        http.connectionPool().evictAll();
    }

    private Request.Builder request(String path) {
        return new Request.Builder().url(base.resolve(path).toString()).header("Authorization", "Bearer " + token);
    }

    private String send(Request.Builder request, String path) throws IOException {
        try (Response response = http.newCall(request.build()).execute()) {
            ResponseBody body = response.body();
            String text = body == null ? "" : body.string();
            if (!response.isSuccessful()) {
                throw new AdminException(
                        response.code(),
                        response.code() == 401
                                ? "the admin listener at " + base + " refused the admin token"
                                : path + " answered " + response.code() + ": " + text.strip());
            }
            return text;
        }
    }

    /** A refusal or error answer from the admin listener; {@code status} is the HTTP status. */
    static final class AdminException extends IOException {
        private final int status;

        AdminException(int status, String message) {
            super(message);
            this.status = status;
        }

        int status() {
            return status;
        }
    }
}
