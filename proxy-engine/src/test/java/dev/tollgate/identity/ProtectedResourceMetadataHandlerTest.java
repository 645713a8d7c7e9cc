package dev.tollgate.identity;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tollgate.json.Json;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.List;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

class ProtectedResourceMetadataHandlerTest {
    private Server server;
    private String base;
    private final HttpClient http = HttpClient.newHttpClient();

    @BeforeEach
    void start() throws Exception {
        server = new Server();
        ServerConnector connector = new ServerConnector(server);
        connector.setHost("127.0.0.1");
        connector.setPort(0);
        server.addConnector(connector);
        server.setHandler(new ProtectedResourceMetadataHandler(new ProtectedResourceMetadata(
                "http://127.0.0.1:7070/mcp", List.of("https://idp.example.com"), List.of())));
        server.start();
        base = "http://127.0.0.1:" + connector.getLocalPort();
    }

    @AfterEach
    void stop() throws Exception {
        server.stop();
    }

    private HttpResponse<String> get(String path) throws Exception {
        return http.send(
                HttpRequest.newBuilder(URI.create(base + path)).GET().build(), HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void servesTheMetadataAtBothWellKnownForms() throws Exception {
        for (String path :
                List.of("/.well-known/oauth-protected-resource", "/.well-known/oauth-protected-resource/mcp")) {
            HttpResponse<String> response = get(path);
            JsonNode doc = Json.parse(response.body());

            assertThat(response.statusCode()).isEqualTo(200);
            assertThat(response.headers().firstValue("content-type")).hasValue("application/json");
            assertThat(doc.path("resource").asString()).isEqualTo("http://127.0.0.1:7070/mcp");
            assertThat(doc.path("authorization_servers").get(0).asString()).isEqualTo("https://idp.example.com");
            assertThat(doc.path("bearer_methods_supported").get(0).asString()).isEqualTo("header");
        }
    }

    @Test
    void leavesOtherPathsToTheNextHandler() throws Exception {
        assertThat(get("/mcp").statusCode()).isEqualTo(404);
    }

    @Test
    void theChallengePointsAtTheMetadataAndQuotesTheReasonSafely() {
        assertThat(BearerChallenge.invalidToken("http://127.0.0.1:7070/", "the \"token\" has expired\r\nX-Evil: 1"))
                .isEqualTo("Bearer error=\"invalid_token\", error_description=\"the 'token' has expired X-Evil: 1\", "
                        + "resource_metadata=\"http://127.0.0.1:7070/.well-known/oauth-protected-resource\"");
        assertThat(BearerChallenge.forRefusal("http://127.0.0.1:7070", Credentials.NONE, "missing"))
                .isEqualTo("Bearer resource_metadata=\"http://127.0.0.1:7070/.well-known/oauth-protected-resource\"");
    }
}
